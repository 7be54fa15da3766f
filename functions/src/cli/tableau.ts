/** A plain-text table for the terminal (French labels, numbers right-aligned). */
export function tableau(entetes: string[], lignes: Array<Array<string | number>>): string {
  const cellules = lignes.map((l) => l.map((c) => (typeof c === 'number' ? new Intl.NumberFormat('fr-FR').format(c) : c)));
  const largeurs = entetes.map((e, i) => Math.max(e.length, ...cellules.map((l) => String(l[i] ?? '').length)));
  const aligner = (valeur: string, i: number, nombre: boolean) => (nombre ? valeur.padStart(largeurs[i]!) : valeur.padEnd(largeurs[i]!));
  const estNombre = entetes.map((_, i) => lignes.length > 0 && lignes.every((l) => typeof l[i] === 'number'));
  const rendu = [entetes.map((e, i) => aligner(e, i, estNombre[i]!)).join('  '), largeurs.map((w) => '─'.repeat(w)).join('  ')];
  for (const l of cellules) rendu.push(l.map((c, i) => aligner(String(c), i, estNombre[i]!)).join('  '));
  return rendu.join('\n');
}
