import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lireCatalogue } from '../../functions/src/cli/prepare.ts';
import { FICHIER_POPULATIONS, REPO } from '../helpers/chemins.ts';
import { empreinteDossier } from '../helpers/lac.ts';

// The command line (`npm run ingest -- …`) run as a user runs it, fed garbage: clear messages,
// meaningful exit codes, nothing written for a rejected file.
let dir: string;
const cli = (...args: string[]) =>
  spawnSync(path.join(REPO, 'node_modules/.bin/node'), ['--import', './functions/src/register.ts', 'functions/src/cli/main.ts', ...args], {
    cwd: REPO,
    encoding: 'utf-8',
    env: { ...process.env, LAKE_DIR: path.join(dir, 'lake'), CACHE_DIR: path.join(dir, 'cache') },
    timeout: 60_000,
  });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'st-cli-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('npm run ingest', () => {
  it.each([
    [[], /Commande manquante/],
    [['exporter'], /Commande inconnue : exporter/],
    [['ingest'], /Indiquez au moins un fichier ou un dossier/],
    [['ingest', '--millesime', '20x3', FICHIER_POPULATIONS], /--millesime attend une année/],
    [['ingest', '--force', FICHIER_POPULATIONS], /Option inconnue : --force/],
    [['ingest', '/nulle/part.csv'], /Introuvable : \/nulle\/part\.csv/],
  ])('refuses %j with exit code 2 and the usage', (args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Usage : npm start/);
  });

  it('refuses an invalid configuration with exit code 2, naming the variable', () => {
    const r = spawnSync(path.join(REPO, 'node_modules/.bin/node'), ['--import', './functions/src/register.ts', 'functions/src/cli/main.ts', 'compute'], {
      cwd: REPO,
      encoding: 'utf-8',
      env: { ...process.env, STORAGE_MODE: 's3', LAKE_BUCKET: '', AWS_REGION: 'eu-west-3' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/LAKE_BUCKET/);
  });

  it('ingests a good file (exit 0), rejects a bad one (exit 2) and leaves the lake as it was', async () => {
    const ok = cli('ingest', '--millesime', '2023', FICHIER_POPULATIONS);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/populations-legales\s+2023\s+34\s900\s+publié/);
    const avant = await empreinteDossier(path.join(dir, 'lake'));
    const mauvais = path.join(dir, 'mauvais.csv');
    await writeFile(mauvais, 'REG;Région;DEP;CODARR;CODCAN;CODCOM;COM;Commune;PMUN;PCAP;PTOT\n84;Auvergne;01;2;08;001;01001;X;8x;16;876\n');
    const r = cli('ingest', '--millesime', '2023', mauvais);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rejeté : mauvais\.csv, ligne 2, colonne 9 \(PMUN\)/);
    expect(r.stdout).toMatch(/0 fichier\(s\) accepté\(s\), 1 rejeté\(s\)/);
    expect(await empreinteDossier(path.join(dir, 'lake'))).toEqual(avant);
  });
});

describe('data/catalogue.json', () => {
  it.each([
    ['not JSON', '{ millesimes: ', /catalogue\.json : illisible/],
    ['a millésime that is not a year', '{ "millesimes": { "a.csv": "23" } }', /millesimes\.a\.csv année attendue/],
    ['millesimes missing', '{ "enAttente": {} }', /catalogue\.json : millesimes/],
  ])('is refused when %s, naming the file', async (_nom, contenu, message) => {
    const d = await mkdtemp(path.join(os.tmpdir(), 'st-cat-'));
    try {
      await writeFile(path.join(d, 'catalogue.json'), contenu);
      await expect(lireCatalogue(d)).rejects.toThrow(message);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
