import { describe, expect, it } from 'vitest';
import { FormatInconnuError } from '../../functions/src/core/errors.ts';
import { entreeSource } from '../../functions/src/core/sources/adapter.ts';
import { ADAPTATEURS, detecterFormat } from '../../functions/src/core/sources/registry.ts';
import { cleRaw, PREFIXE_DEPOT } from '../../functions/src/core/storage/keys.ts';
import { INDICATEURS, verifierMasquesLies } from '../../functions/src/core/indicateurs/registry.ts';

describe('source adapters registry', () => {
  it('has unique kebab-case ids whose raw copies never land under the upload prefix (no trigger loop)', () => {
    const ids = ADAPTATEURS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of ADAPTATEURS) {
      expect(a.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(cleRaw(a.id, '2023', 'f'.repeat(64), a.extension).startsWith(PREFIXE_DEPOT)).toBe(false);
      expect(['depot', 'rejets']).not.toContain(a.id);
    }
  });

  it('detects by content, and lists the known formats when it cannot', () => {
    expect(detecterFormat(entreeSource('x.txt', new TextEncoder().encode('REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\r'))).id).toBe('populations-legales');
    expect(detecterFormat(entreeSource('y', new TextEncoder().encode('"MOD","DATE_EFF","TYPECOM_AV","COM_AV","TNCC_AV","NCC_AV","NCCENR_AV","LIBELLE_AV","TYPECOM_AP","COM_AP","TNCC_AP","NCC_AP","NCCENR_AP","LIBELLE_AP"'))).id).toBe('cog-mouvements');
    expect(() => detecterFormat(entreeSource('FILO2019_DISP_COM.csv', new TextEncoder().encode('CODGEO;LIBGEO;NBMEN19')))).toThrow(FormatInconnuError);
    expect(() => detecterFormat(entreeSource('FILO2019_DISP_COM.csv', new TextEncoder().encode('CODGEO;LIBGEO;NBMEN19')))).toThrow(/Formats connus : populations-legales \(Populations légales des communes\), cog-mouvements/);
  });
});

describe('indicator registry: family requetes', () => {
  it('name every mesures variable their parameters read (the engine filters the scan on them)', () => {
    const familles = INDICATEURS.flatMap((i) => i.requetes.filter((r) => r.famille).map((r) => ({ id: i.definition.id, r })));
    expect(new Set(familles.map((f) => f.r.famille))).toEqual(new Set(['valeurs-communales', 'combinaison']));
    for (const { id, r } of familles) {
      const p = r.parametres;
      const lues =
        r.famille === 'combinaison'
          ? [...(p.num_termes as string[]), ...(p.den_termes as string[])].map((t) => t.slice(0, t.indexOf('@')))
          : [p.variable as string];
      expect(lues.length, id).toBeGreaterThan(0);
      expect([...(r.variables ?? [])].sort(), id).toEqual([...new Set(lues)].sort());
    }
  });
});

describe('indicator registry: complementary masks (masqueAvec)', () => {
  const parId = (id: string) => INDICATEURS.find((i) => i.definition.id === id)!;
  const avec = (id: string, masqueAvec: string[]) => ({ ...parId(id), definition: { ...parId(id).definition, masqueAvec } });

  it('accepts the registry as it is, and refuses a source that is absent, not a health indicator, chained, or without the periods', () => {
    expect(() => verifierMasquesLies(INDICATEURS)).not.toThrow();
    const solde = 'taux-variation-solde-naturel';
    const autres = INDICATEURS.filter((i) => i.definition.id !== solde);
    expect(() => verifierMasquesLies([...autres, avec(solde, ['inconnu'])])).toThrow(`${solde} : masqueAvec « inconnu » doit nommer un indicateur de santé du registre`);
    expect(() => verifierMasquesLies([...autres, avec(solde, ['taux-natalite'])])).toThrow(/masqueAvec « taux-natalite » doit nommer un indicateur de santé/);
    const deces = 'taux-mortalite-brute';
    const chaine = [...INDICATEURS.filter((i) => i.definition.id !== deces), avec(deces, ['taux-standardise-mortalite-ors'])];
    expect(() => verifierMasquesLies(chaine)).toThrow(/lui-même sans masqueAvec/);
    expect(() => verifierMasquesLies([...autres, avec(solde, ['taux-standardise-mortalite-ors'])])).toThrow(`${solde} : masqueAvec « taux-standardise-mortalite-ors » ne couvre pas ses périodes (2013-2018)`);
  });
});
