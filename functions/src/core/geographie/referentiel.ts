// Static JSON imports, so that esbuild bundles them into the Lambdas that need them (ingest,
// compute); the API's code never imports this module.
import communesData from '@etalab/decoupage-administratif/data/communes.json' with { type: 'json' };
import departementsData from '@etalab/decoupage-administratif/data/departements.json' with { type: 'json' };
import epciData from '@etalab/decoupage-administratif/data/epci.json' with { type: 'json' };
import regionsData from '@etalab/decoupage-administratif/data/regions.json' with { type: 'json' };

/**
 * The current geography (COG 2026) from `@etalab/decoupage-administratif` 6.0.0: communes, PLM
 * arrondissements, EPCI with their member communes, départements, régions. Scope: France =
 * metropolitan France and the five DROM (101 départements, 18 régions), as INSEE's populations
 * légales; the collectivités d'outre-mer (975, 977, 978, 984, 986–989) are not territories here.
 */

export const MILLESIME_COG_COURANT = 2026;
export const LIBELLE_GEOGRAPHIE = 'COG 2026';

export interface CommuneRef {
  code: string;
  libelle: string;
  departement: string;
  region: string;
  epci: string | null;
}

export interface ArrondissementMunicipalRef {
  code: string;
  libelle: string;
  commune: string;
}

export interface EpciRef {
  code: string;
  libelle: string;
  nature: string;
  membres: string[];
}

export interface DepartementRef {
  code: string;
  libelle: string;
  region: string;
}

export interface RegionRef {
  code: string;
  libelle: string;
}

export interface Referentiel {
  millesime: number;
  communes: CommuneRef[];
  arrondissementsMunicipaux: ArrondissementMunicipalRef[];
  /** Communes déléguées and associées (code → current commune), for later merges. */
  communesDelegueesAssociees: Array<{ code: string; commune: string }>;
  epci: EpciRef[];
  departements: DepartementRef[];
  regions: RegionRef[];
}

interface EtalabCommune {
  code: string;
  nom: string;
  type: string;
  zone?: string;
  departement?: string;
  region?: string;
  commune?: string;
  chefLieu?: string;
}
interface EtalabEpci {
  code: string;
  nom: string;
  type: string;
  membres: Array<{ code: string }>;
}
interface EtalabZone {
  code: string;
  nom: string;
  zone: string;
  region?: string;
}

const inScope = (zone: string | undefined): boolean => zone === 'metro' || zone === 'drom';

let cached: Referentiel | null = null;

/** Builds (once per process) the referential; fails loudly if the package is inconsistent. */
export function chargerReferentiel(): Referentiel {
  if (cached) return cached;
  const all = communesData as unknown as EtalabCommune[];
  const epciRaw = epciData as unknown as EtalabEpci[];

  const epciByCommune = new Map<string, string>();
  for (const e of epciRaw) {
    for (const m of e.membres) {
      if (epciByCommune.has(m.code)) throw new Error(`Référentiel incohérent : commune ${m.code} dans deux EPCI`);
      epciByCommune.set(m.code, e.code);
    }
  }

  const communes: CommuneRef[] = [];
  const arrondissementsMunicipaux: ArrondissementMunicipalRef[] = [];
  const communesDelegueesAssociees: Array<{ code: string; commune: string }> = [];
  for (const c of all) {
    if (c.type === 'commune-actuelle' && inScope(c.zone)) {
      if (!c.departement || !c.region) throw new Error(`Référentiel incohérent : commune ${c.code} sans département`);
      communes.push({ code: c.code, libelle: c.nom, departement: c.departement, region: c.region, epci: epciByCommune.get(c.code) ?? null });
    } else if (c.type === 'arrondissement-municipal' && c.commune) {
      arrondissementsMunicipaux.push({ code: c.code, libelle: c.nom, commune: c.commune });
    } else if ((c.type === 'commune-deleguee' || c.type === 'commune-associee') && c.chefLieu) {
      communesDelegueesAssociees.push({ code: c.code, commune: c.chefLieu });
    }
  }
  const byCode = <T extends { code: string }>(a: T, b: T) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  communes.sort(byCode);
  arrondissementsMunicipaux.sort(byCode);

  const departements = (departementsData as unknown as EtalabZone[])
    .filter((d) => inScope(d.zone))
    .map((d) => ({ code: d.code, libelle: d.nom, region: d.region ?? '' }))
    .sort(byCode);
  const regions = (regionsData as unknown as EtalabZone[])
    .filter((r) => inScope(r.zone))
    .map((r) => ({ code: r.code, libelle: r.nom }))
    .sort(byCode);
  const epci = epciRaw
    .map((e) => ({ code: e.code, libelle: e.nom, nature: e.type, membres: e.membres.map((m) => m.code).sort() }))
    .sort(byCode);

  cached = {
    millesime: 2026,
    communes,
    arrondissementsMunicipaux,
    communesDelegueesAssociees: communesDelegueesAssociees.sort(byCode),
    epci,
    departements,
    regions,
  };
  return cached;
}
