import { Type, type Static } from '@sinclair/typebox';
import { TLP_LEVELS } from '../domain/tlp.ts';

/** A union of string literals whose static type keeps the literals (TypeBox's map would widen to string). */
const literals = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v))));
const TlpSchema = literals(TLP_LEVELS);

/** One object in a short list: enough to show a row and link to its page. */
export const ItemSummarySchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  modified: Type.Union([Type.String(), Type.Null()]),
  /** When this version reached the hub (RFC 3339): "latest shared with you" is ordered by it and shows it. */
  shared_at: Type.String(),
  tlp: TlpSchema,
  owner: Type.String(),
  /** True when the reader's own organization owns it. */
  mine: Type.Boolean(),
});
export type ItemSummary = Static<typeof ItemSummarySchema>;

const TypeCountSchema = Type.Object({ type: Type.String(), count: Type.Integer() });

/** GET /api/v1/dashboard: everything counted over what the reader may see, and nothing else. */
export const DashboardSchema = Type.Object({
  generated_at: Type.String(),
  /** Objects looked at; when `truncated`, counts cover the first `scanned` visible objects. */
  scanned: Type.Integer(),
  truncated: Type.Boolean(),
  /** Open (not revoked) incidents per state FIPS, from the Rampart extension's state_fips. */
  open_incidents_by_state: Type.Record(Type.String({ pattern: '^[0-9]{2}$' }), Type.Integer()),
  open_incidents_without_state: Type.Integer(),
  open_incidents: Type.Integer(),
  by_tlp: Type.Object({
    clear: Type.Integer(),
    green: Type.Integer(),
    amber: Type.Integer(),
    'amber+strict': Type.Integer(),
    red: Type.Integer(),
  }),
  /**
   * Members' items (not the knowledge base's reference material) by TLP and by type, largest first: the items the
   * Intelligence list shows when no type is chosen, so that these counts and the list's agree.
   */
  by_type: Type.Array(TypeCountSchema),
  /**
   * Members' items the Intelligence list leaves out unless their type is chosen, counted apart from `by_tlp` and `by_type`:
   * election-day status reports (on the Election day pages) and relationships (on the items they link).
   */
  listed_elsewhere: Type.Array(TypeCountSchema),
  /** Reference material (ATT&CK, DISARM, TLP markings, the member organizations' own identities), counted apart from members' items. */
  reference_items: Type.Integer(),
  reference_by_type: Type.Array(TypeCountSchema),
  /** Newest items other organizations shared with the reader. */
  latest_shared: Type.Array(ItemSummarySchema),
});
export type Dashboard = Static<typeof DashboardSchema>;
