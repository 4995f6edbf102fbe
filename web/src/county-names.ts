import { useEffect, useState } from 'react';

/** A county (or county equivalent: parish, borough…) by its 5-digit FIPS code and its Census name. */
export interface CountyName {
  readonly fips: string;
  readonly name: string;
}

/** The counties of one state from the Census shapes' properties, by name (pure, so it is tested without a browser). */
export function countiesOf(geometries: readonly { readonly id?: string | number; readonly properties?: { readonly name?: string } | null }[], stateFips: string): CountyName[] {
  return geometries
    .flatMap((g) => {
      const fips = String(g.id ?? '');
      const name = g.properties?.name;
      return fips.length === 5 && fips.startsWith(stateFips) && typeof name === 'string' ? [{ fips, name }] : [];
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/** The names of a state's counties, from the packaged Census shapes the maps use (loaded the first time); null until then. */
export function useCountyNames(stateFips: string | null): readonly CountyName[] | null {
  const [names, setNames] = useState<readonly CountyName[] | null>(null);
  useEffect(() => {
    if (stateFips === null) return;
    let current = true;
    setNames(null);
    void import('us-atlas/counties-10m.json').then((mod) => {
      if (!current) return;
      const topo = (mod.default ?? mod) as unknown as { objects: { counties: { geometries: Parameters<typeof countiesOf>[0] } } };
      setNames(countiesOf(topo.objects.counties.geometries, stateFips));
    });
    return () => {
      current = false;
    };
  }, [stateFips]);
  return names;
}
