import { describe, expect, it } from 'vitest';
import { isPublishable, secondarySuppression, smallCountSuppression, suppressMargin } from '../../../functions/src/core/stats/secret.ts';

describe('§9 small-count suppression', () => {
  it('policy vector: [0, 1, 5, 10, 11, 250], threshold 11, zero publishable', () => {
    const r = smallCountSuppression([0, 1, 5, 10, 11, 250], { minPublishable: 11, zeroPublishable: true });
    expect(r.published).toEqual([0, null, null, null, 11, 250]);
    expect(r.flag).toBe('masked');
  });

  it('zero can be masked when the source says so; nothing masked → ok', () => {
    expect(smallCountSuppression([0, 12], { zeroPublishable: false }).published).toEqual([null, 12]);
    expect(smallCountSuppression([0, 12, 40]).flag).toBe('ok');
    expect(smallCountSuppression([]).flag).toBe('ok');
    expect(isPublishable(10)).toBe(false);
    expect(isPublishable(11)).toBe(true);
  });

  it('an incoming missing count stays masked; negative counts are rejected', () => {
    expect(smallCountSuppression([null, 20]).published).toEqual([null, 20]);
    expect(() => smallCountSuppression([3, -1])).toThrow(/counts\[1\]/);
  });

  it('secondary: a lone masked cell drags the next smallest publishable cell', () => {
    const r = suppressMargin([4, 30, 12, 250]);
    expect(r.published).toEqual([null, 30, null, 250]);
    expect(r.primary).toEqual([true, false, false, false]);
    expect(r.secondary).toEqual([false, false, true, false]);
  });

  it('secondary: two masked cells are enough; zeros are not chosen while a positive cell exists', () => {
    expect(secondarySuppression([null, null, 40]).published).toEqual([null, null, 40]);
    expect(suppressMargin([0, 5, 30, 20]).published).toEqual([0, null, 30, null]);
    expect(secondarySuppression([0, null]).published).toEqual([null, null]);
    expect(secondarySuppression([12, 40]).flag).toBe('ok');
  });
});
