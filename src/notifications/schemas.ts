import { Type, type Static } from '@sinclair/typebox';
import { ELECTION_ASSET_TYPES, ELECTION_FUNCTIONS, SEVERITIES } from '../domain/election.ts';
import { UserIdString } from '../domain/schemas.ts';
import { TLP_LEVELS } from '../domain/tlp.ts';

const literals = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(
    values.map((v: T[number]) => Type.Literal(v)),
    description === undefined ? {} : { description },
  );
const list = <T extends Parameters<typeof Type.Array>[0]>(item: T, description: string) => Type.Optional(Type.Array(item, { minItems: 1, maxItems: 50, uniqueItems: true, description }));

const STIX_ID_PATTERN = '^[a-z0-9][a-z0-9-]*--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** Status levels a status report can carry; the two last are the urgent ones. */
export const WATCHED_STATUS_LEVELS = ['normal', 'degraded', 'disrupted', 'compromise-confirmed'] as const;

/**
 * What a watch rule asks for. Every field given must hold (AND); inside a list any value will do (OR).
 * An empty rule watches everything newly shared with you.
 */
export const WatchCriteriaSchema = Type.Object(
  {
    types: list(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,249}$' }), 'STIX types, e.g. incident, indicator, report, x-rampart-status-report'),
    tlp: list(literals(TLP_LEVELS), 'TLP levels'),
    audience: list(
      Type.String({ pattern: '^(public|community|my-state|my-organization|me|group:[0-9a-f-]{36})$' }),
      'Where it was shared: public, community, my-state, my-organization, me (named to you), or group:<id>',
    ),
    functions: list(literals(ELECTION_FUNCTIONS), 'Election functions an incident, asset or status report concerns'),
    asset_types: list(literals(ELECTION_ASSET_TYPES), 'Kinds of election infrastructure'),
    min_severity: Type.Optional(literals(SEVERITIES, 'Incidents of at least this severity')),
    states: list(Type.String({ pattern: '^[0-9]{2}$' }), 'Incidents and status reports in these states (two-digit FIPS codes)'),
    status_levels: list(literals(WATCHED_STATUS_LEVELS), 'Status reports where any function is at one of these levels'),
    refs: list(Type.String({ pattern: STIX_ID_PATTERN, maxLength: 300 }), 'Objects it must name: techniques (attack-pattern), threat actors, intrusion sets, campaigns'),
    keywords: list(Type.String({ minLength: 2, maxLength: 100 }), 'Words or phrases in its name or text (any case)'),
    watch_list: Type.Optional(Type.Boolean({ description: "Only what names one of your organization's watched domains, addresses, email domains or URLs" })),
  },
  { additionalProperties: false },
);
export type WatchCriteria = Static<typeof WatchCriteriaSchema>;

export const EMAIL_MODES = ['immediate', 'digest', 'none'] as const;
export type EmailMode = (typeof EMAIL_MODES)[number];
export const EmailModeSchema = literals(EMAIL_MODES, 'immediate: an email at once; digest: in the daily digest; none: only in the notification centre');

export const RuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    criteria: WatchCriteriaSchema,
    email: Type.Optional(EmailModeSchema),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RuleBody = Static<typeof RuleBody>;

export const RulePatch = Type.Partial(RuleBody, { additionalProperties: false });
export type RulePatch = Static<typeof RulePatch>;

export const RuleSchema = Type.Object({
  id: Type.String(),
  scope: literals(['organization', 'person'] as const),
  name: Type.String(),
  criteria: WatchCriteriaSchema,
  email: EmailModeSchema,
  enabled: Type.Boolean(),
  built_in: Type.Boolean({ description: "One of Rampart's standard rules for your kind of organization (turn them off in the notification plan)" }),
});
export type RuleView = Static<typeof RuleSchema>;

export const WATCH_KINDS = ['domain', 'cidr', 'email-domain', 'url'] as const;
export type WatchKind = (typeof WATCH_KINDS)[number];

export const WatchItemBody = Type.Object(
  {
    kind: literals(WATCH_KINDS, 'domain (its subdomains too), cidr (an IP range such as 198.51.100.0/24), email-domain, or url (and anything under it)'),
    value: Type.String({ minLength: 1, maxLength: 2000 }),
    label: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type WatchItemBody = Static<typeof WatchItemBody>;

export const WatchItemSchema = Type.Object({ id: Type.String(), kind: literals(WATCH_KINDS), value: Type.String(), label: Type.Union([Type.String(), Type.Null()]) });

/**
 * The kinds of alert a notification plan names contacts for: incidents, status changes (status reports),
 * hits on the organization's watch list, everything else a rule matched, and support requests (a new
 * request to the organization, a change of one it made or takes part in). One alert may be of several.
 */
export const ALERT_KINDS = ['incident', 'status', 'watch-list', 'other', 'support'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const contactList = (description: string) => Type.Array(UserIdString(), { maxItems: 50, uniqueItems: true, description });
export const KindContactsSchema = Type.Object(
  {
    primary: contactList('People told at once of every urgent alert of this kind (ids of people of your organization)'),
    backup: contactList('People told when an urgent alert of this kind waits unacknowledged too long'),
  },
  { additionalProperties: false },
);
export type KindContacts = Static<typeof KindContactsSchema>;

export const PlanBody = Type.Object(
  {
    defaults_enabled: Type.Optional(Type.Boolean({ description: "Whether Rampart's standard rules for your kind of organization apply" })),
    escalate_after_minutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 10_080, description: 'How long an urgent alert may wait unacknowledged before the backup contacts are told' })),
    contacts: Type.Optional(
      Type.Object(
        {
          incident: Type.Optional(KindContactsSchema),
          status: Type.Optional(KindContactsSchema),
          'watch-list': Type.Optional(KindContactsSchema),
          other: Type.Optional(KindContactsSchema),
          support: Type.Optional(KindContactsSchema),
        },
        {
          additionalProperties: false,
          description:
            'Contacts per kind of alert (incident, status, watch-list, other, support); a kind given replaces that kind’s lists, kinds left out stay as they are. Support requests go to the primary contacts of support (every request, not only urgent ones), or to the org-admins when there are none',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PlanBody = Static<typeof PlanBody>;

export const PlanSchema = Type.Object({
  defaults_enabled: Type.Boolean(),
  escalate_after_minutes: Type.Integer(),
  contacts: Type.Object({ incident: KindContactsSchema, status: KindContactsSchema, 'watch-list': KindContactsSchema, other: KindContactsSchema, support: KindContactsSchema }),
});
export type PlanView = Static<typeof PlanSchema>;

export const PERSON_EMAIL_MODES = ['as-rules', 'digest', 'none'] as const;
export type PersonEmailMode = (typeof PERSON_EMAIL_MODES)[number];
export const PersonBody = Type.Object(
  { email_mode: literals(PERSON_EMAIL_MODES, 'as-rules: as each rule says (urgent alerts at once); digest: everything but urgent alerts in the daily digest; none: no email') },
  { additionalProperties: false },
);
export type PersonBody = Static<typeof PersonBody>;

export const WebhookBody = Type.Object(
  { url: Type.String({ minLength: 8, maxLength: 2000, description: 'https:// address that receives signed JSON (http:// only to this machine)' }) },
  { additionalProperties: false },
);
export type WebhookBody = Static<typeof WebhookBody>;

export const WebhookPatch = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });
export type WebhookPatch = Static<typeof WebhookPatch>;

export const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  enabled: Type.Boolean(),
  disabled_reason: Type.Union([Type.String(), Type.Null()]),
  failures: Type.Integer(),
  created_at: Type.String(),
});

export const NotificationSchema = Type.Object({
  id: Type.String(),
  object_id: Type.Union([Type.String(), Type.Null()]),
  support_id: Type.Union([Type.String(), Type.Null()], { description: 'The support request it is about (type support-request); null otherwise' }),
  type: Type.Union([Type.String(), Type.Null()]),
  name: Type.Union([Type.String(), Type.Null()]),
  tlp: Type.Union([Type.String(), Type.Null()]),
  notice: Type.Union([Type.String(), Type.Null()]),
  reasons: Type.Array(Type.String()),
  urgent: Type.Boolean(),
  created_at: Type.String(),
  read: Type.Boolean(),
  acknowledged: Type.Boolean(),
});
export type NotificationView = Static<typeof NotificationSchema>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;
