import { geoAlbersUsa, geoMercator, geoPath, type GeoProjection } from 'd3-geo';
import { useEffect, useMemo, useState } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import statesTopo from 'us-atlas/states-10m.json';
import { ROLLUP_LEVELS, type RollupLevel } from '../../../src/domain/election.ts';
import { LEVEL_STYLE, levelWords, NOT_TAKING_PART } from '../election-words.ts';
import { placeByFips } from '../states.ts';

interface Shape {
  readonly fips: string;
  readonly name: string;
  readonly d: string;
}

const WIDTH = 960;
const HEIGHT = 600;

type Collection = GeometryCollection<{ name: string }>;

function project(features: ReturnType<typeof feature>, projection: GeoProjection, keep: (fips: string) => boolean): Shape[] {
  if (!('features' in features)) return [];
  const path = geoPath(projection.fitSize([WIDTH, HEIGHT], features));
  return features.features.flatMap((f) => {
    const fips = String(f.id ?? '');
    const d = keep(fips) ? path(f) : null;
    const props = f.properties as { name?: unknown } | null;
    return d === null || d === '' ? [] : [{ fips, name: typeof props?.name === 'string' ? props.name : fips, d }];
  });
}

let stateShapes: Shape[] | null = null;
function statesOfNation(): Shape[] {
  if (stateShapes !== null) return stateShapes;
  const topo = statesTopo as unknown as Topology<{ states: Collection }>;
  stateShapes = project(feature(topo, topo.objects.states), geoAlbersUsa(), (fips) => placeByFips(fips)?.territory === false);
  return stateShapes;
}

/** The counties of one state, from the packaged Census shapes (loaded the first time a state is opened). */
function useCounties(stateFips: string | null): Shape[] | null {
  const [shapes, setShapes] = useState<Shape[] | null>(null);
  useEffect(() => {
    if (stateFips === null) return;
    let current = true;
    setShapes(null);
    void import('us-atlas/counties-10m.json').then((mod) => {
      if (!current) return;
      const topo = (mod.default ?? mod) as unknown as Topology<{ counties: Collection }>;
      const all = feature(topo, topo.objects.counties);
      if (!('features' in all)) return;
      const inState = { ...all, features: all.features.filter((f) => String(f.id ?? '').startsWith(stateFips)) };
      // Alaska crosses the antimeridian: Albers USA keeps it whole; Mercator suits the rest.
      setShapes(project(inState, stateFips === '02' || stateFips === '15' ? geoAlbersUsa() : geoMercator(), () => true));
    });
    return () => {
      current = false;
    };
  }, [stateFips]);
  return shapes;
}

export interface StatusMapProps {
  /** null: the nation by state; a FIPS code: that state's counties. */
  readonly stateFips: string | null;
  /** The level of a state (or county) by FIPS; undefined when it takes no part or is not known. */
  readonly levelOf: (fips: string) => RollupLevel | undefined;
  readonly label: string;
  readonly onSelect?: (fips: string) => void;
}

/** The election map: each state (or county) filled by its worst level; no report is hatched and outlined, never a colour. */
export function StatusMap(props: StatusMapProps) {
  const national = useMemo(() => statesOfNation(), []);
  const counties = useCounties(props.stateFips);
  const shapes = props.stateFips === null ? national : counties;
  const [hover, setHover] = useState<Shape | null>(null);
  if (shapes === null) return <p className="muted loading">Loading the county map…</p>;
  const hoverLevel = hover === null ? undefined : props.levelOf(hover.fips);
  return (
    <figure className="map status-map">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.label}>
        <defs>
          <pattern id="no-report-hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)">
            <rect width="8" height="8" fill="#ffffff" />
            <line x1="0" y1="0" x2="0" y2="8" stroke="#17202b" strokeWidth="2.5" />
          </pattern>
        </defs>
        {shapes.map((s) => {
          const level = props.levelOf(s.fips);
          const name = props.stateFips === null ? (placeByFips(s.fips)?.name ?? s.name) : s.name;
          return (
            <path
              key={s.fips}
              d={s.d}
              fill={level === undefined ? NOT_TAKING_PART : LEVEL_STYLE[level].fill}
              className={`state level-${level ?? 'none'}${hover?.fips === s.fips ? ' hovered' : ''}`}
              data-fips={s.fips}
              data-level={level ?? 'none'}
              onMouseEnter={() => setHover(s)}
              onMouseLeave={() => setHover(null)}
              onClick={() => props.onSelect?.(s.fips)}
            >
              <title>{`${name}: ${levelWords(level ?? null)}`}</title>
            </path>
          );
        })}
      </svg>
      <figcaption className="map-hover" aria-live="polite">
        {hover === null ? (props.onSelect === undefined ? 'Point at a county to see its level.' : 'Point at a state to see its level; choose it to see its counties.') : `${props.stateFips === null ? (placeByFips(hover.fips)?.name ?? hover.name) : hover.name}: ${levelWords(hoverLevel ?? null)}`}
      </figcaption>
    </figure>
  );
}

/** The legend: the same fill, symbol and word for each level, worst last. */
export function LevelLegend() {
  return (
    <ul className="legend level-legend">
      {ROLLUP_LEVELS.map((level) => (
        <li key={level}>
          <svg width="22" height="16" aria-hidden="true" className="legend-swatch">
            <defs>
              <pattern id={`legend-hatch-${level}`} patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
                <rect width="6" height="6" fill="#ffffff" />
                <line x1="0" y1="0" x2="0" y2="6" stroke="#17202b" strokeWidth="2" />
              </pattern>
            </defs>
            <rect x="1" y="1" width="20" height="14" fill={level === 'no-report' ? `url(#legend-hatch-${level})` : LEVEL_STYLE[level].fill} stroke="#17202b" strokeWidth={level === 'no-report' ? 1.5 : 0.5} />
          </svg>
          <span aria-hidden="true">{LEVEL_STYLE[level].symbol}</span> {levelWords(level)}
        </li>
      ))}
      <li>
        <span className="swatch" style={{ background: NOT_TAKING_PART }} /> Not taking part
      </li>
    </ul>
  );
}

/** A level as a small badge: symbol and word, in the map's colours. */
export function LevelBadge(props: { readonly level: RollupLevel | null }) {
  if (props.level === null) return <span className="level-badge level-none">Not taking part</span>;
  const style = LEVEL_STYLE[props.level];
  return (
    <span className={`level-badge level-${props.level}`} style={props.level === 'no-report' ? {} : { background: style.fill, color: style.text }}>
      <span aria-hidden="true">{style.symbol}</span> {levelWords(props.level)}
    </span>
  );
}
