import { Type, type Static } from '@sinclair/typebox';
import { StixIdString, StixObjectSchema } from '../domain/schemas.ts';
import { CORRECTION_STATUSES, OfficialLinkSchema, RUMOUR_PHASES } from '../stix/rampart-extension.ts';

const literals = <T extends readonly string[]>(values: T, description: string) => Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v)), { description }));
const FIPS2 = Type.String({ pattern: '^[0-9]{2}$', description: "the state's 2-digit FIPS code, e.g. 55 for Wisconsin" });
const FIPS5 = Type.String({ pattern: '^[0-9]{5}$', description: "a county's 5-digit FIPS code" });

/** What an election official writes: POST /api/v1/corrections (and …/preview, and PUT …/{id} for a new version). */
export const CorrectionBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200, description: 'a short headline, e.g. "Polling places do not close at noon"' }),
    rumour: Type.String({ minLength: 1, maxLength: 2000, description: 'the false or misleading claim, as people are hearing it' }),
    reality: Type.String({ minLength: 1, maxLength: 4000, description: 'what is true' }),
    official_links: Type.Array(OfficialLinkSchema, { minItems: 1, maxItems: 10, description: 'where to get the facts: official pages (https)' }),
    law_cited: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 10, description: 'the law or rule that says so, e.g. "Wis. Stat. § 6.78"' })),
    state_fips: FIPS2,
    county_fips: Type.Optional(Type.Array(FIPS5, { maxItems: 200, uniqueItems: true, description: 'the counties it concerns; the whole state when empty' })),
    election_id: Type.Optional(StixIdString({ description: 'the x-rampart-election it concerns' })),
    phase: literals(RUMOUR_PHASES, 'before, during or after voting'),
  },
  { additionalProperties: false },
);
export type CorrectionBody = Static<typeof CorrectionBody>;

/** A new correction (POST /api/v1/corrections): the words, and the false-rumour incident it answers when written from one. */
export const NewCorrectionBody = Type.Composite(
  [
    CorrectionBody,
    Type.Object({
      incident_id: Type.Optional(
        StixIdString({ description: "the incident it answers (one you may see): linked by a relationship 'answers' shared exactly as the incident, never with the public; the correction itself does not name it" }),
      ),
    }),
  ],
  { additionalProperties: false },
);
export type NewCorrectionBody = Static<typeof NewCorrectionBody>;

export const CorrectionParams = Type.Object({ id: StixIdString({ description: 'the correction (a report) id' }) });
export type CorrectionParams = Static<typeof CorrectionParams>;

export const WithdrawBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 1000, description: 'why it is withdrawn; shown on the public pages' }) },
  { additionalProperties: false },
);
export type WithdrawBody = Static<typeof WithdrawBody>;

/** One correction as the public pages show it. */
export const PublicCorrectionSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  rumour: Type.String(),
  reality: Type.String(),
  official_links: Type.Array(Type.Object({ title: Type.String(), url: Type.String() })),
  law_cited: Type.Array(Type.String()),
  state_fips: Type.String(),
  state_name: Type.String(),
  county_fips: Type.Array(Type.String()),
  election_id: Type.Union([Type.String(), Type.Null()]),
  election_name: Type.Union([Type.String(), Type.Null()]),
  phase: literals(RUMOUR_PHASES, 'before, during or after voting'),
  status: literals(CORRECTION_STATUSES, 'published, or withdrawn by its publisher'),
  withdrawn_reason: Type.Union([Type.String(), Type.Null()]),
  published: Type.String(),
  updated: Type.String(),
  publisher: Type.Union([Type.String(), Type.Null()]),
});

/** A correction not yet stored: its STIX object and the public card made from it. */
export const PreviewSchema = Type.Object({ object: StixObjectSchema, correction: PublicCorrectionSchema });
export type PublicCorrection = Static<typeof PublicCorrectionSchema>;

/** Anything else its owner shared with the public (TLP:CLEAR, audience public): listed so that "The public" means what it says. */
export const PublicNoticeSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  updated: Type.Union([Type.String(), Type.Null()]),
  publisher: Type.Union([Type.String(), Type.Null()]),
});
export type PublicNotice = Static<typeof PublicNoticeSchema>;

export const PublicQuery = Type.Object(
  {
    state: Type.Optional(FIPS2),
    county: Type.Optional(FIPS5),
    election: Type.Optional(StixIdString({ description: 'an election id' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'words to look for in the title, rumour, reality or law' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type PublicQuery = Static<typeof PublicQuery>;

export const PublicCorrectionsSchema = Type.Object({
  items: Type.Array(PublicCorrectionSchema),
  /** The elections and states the corrections concern, for the page's filters. */
  elections: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  states: Type.Array(Type.Object({ fips: Type.String(), name: Type.String() })),
});
export type PublicCorrections = Static<typeof PublicCorrectionsSchema>;

export const PublicNoticesSchema = Type.Object({ items: Type.Array(PublicNoticeSchema) });
export type PublicNotices = Static<typeof PublicNoticesSchema>;
