import { geoAlbersUsa, geoPath } from 'd3-geo';
import { useMemo, useState } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import statesTopo from 'us-atlas/states-10m.json';
import { mapSummary } from '../dashboard-words.ts';
import { mapColour, mapLegend } from '../map-scale.ts';
import { placeByFips, TERRITORIES } from '../states.ts';

interface StateShape {
  readonly fips: string;
  readonly d: string;
  readonly centroid: readonly [number, number] | null;
}

const WIDTH = 960;
const HEIGHT = 600;

/** Projected once: Albers USA places Alaska and Hawaii; territories are listed beside the map. */
function projectStates(): StateShape[] {
  const topo = statesTopo as unknown as Topology<{ states: GeometryCollection<{ name: string }> }>;
  const collection = feature(topo, topo.objects.states);
  const projection = geoAlbersUsa().fitSize([WIDTH, HEIGHT], collection);
  const path = geoPath(projection);
  return collection.features.flatMap((f) => {
    const fips = String(f.id ?? '');
    const d = path(f);
    if (d === null || d === '' || placeByFips(fips)?.territory !== false) return [];
    const c = path.centroid(f);
    return [{ fips, d, centroid: Number.isFinite(c[0]) ? ([c[0], c[1]] as const) : null }];
  });
}

let shapes: StateShape[] | null = null;

export function UsMap(props: { readonly counts: Readonly<Record<string, number>>; readonly what: string }) {
  const states = useMemo(() => (shapes ??= projectStates()), []);
  const [hover, setHover] = useState<string | null>(null);
  const max = Math.max(0, ...Object.values(props.counts));
  const n = (fips: string) => props.counts[fips] ?? 0;
  const hovered = hover === null ? null : placeByFips(hover);
  return (
    <div className="map-wrap">
      <figure className="map">
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Map of the United States shaded by ${props.what}`}>
          {states.map((s) => (
            <path
              key={s.fips}
              d={s.d}
              fill={mapColour(n(s.fips), max)}
              className={hover === s.fips ? 'state hovered' : 'state'}
              data-fips={s.fips}
              data-count={n(s.fips)}
              onMouseEnter={() => setHover(s.fips)}
              onMouseLeave={() => setHover(null)}
              onClick={() => setHover(s.fips)}
            >
              <title>{`${placeByFips(s.fips)?.name ?? s.fips}: ${n(s.fips)} ${props.what}`}</title>
            </path>
          ))}
          {states.map((s) =>
            s.centroid !== null && n(s.fips) > 0 ? (
              <text key={`t${s.fips}`} x={s.centroid[0]} y={s.centroid[1]} className="map-count" textAnchor="middle" dominantBaseline="central">
                {n(s.fips)}
              </text>
            ) : null,
          )}
        </svg>
        <figcaption className="map-hover" aria-live="polite">
          {hovered === null || hovered === undefined ? 'Point at or tap a state to see its number.' : `${hovered.name}: ${n(hovered.fips)} ${props.what}`}
        </figcaption>
        <p className="map-summary">{mapSummary(props.counts, props.what)}</p>
      </figure>
      <aside className="map-side">
        <h3>Territories</h3>
        <ul className="territories">
          {TERRITORIES.map((t) => (
            <li key={t.fips} data-fips={t.fips}>
              <span className="swatch" style={{ background: mapColour(n(t.fips), max) }} />
              <span className="territory-name">{t.name}</span>
              <span className="territory-count">{n(t.fips)}</span>
            </li>
          ))}
        </ul>
        <h3>Legend</h3>
        <ul className="legend">
          {mapLegend(max).map((row) => (
            <li key={row.label}>
              <span className="swatch" style={{ background: row.colour }} />
              {row.label}
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}
