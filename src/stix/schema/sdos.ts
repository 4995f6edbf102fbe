import { Type, type Static } from '@sinclair/typebox';
import { KillChainPhase, Ref, Refs, StringList, Timestamp, sdo } from './common.ts';

/** STIX 2.1 Domain Objects (§4): each type's own properties, required ones not Optional. */

const kill_chain_phases = Type.Optional(Type.Array(KillChainPhase, { minItems: 1 }));
const aliases = Type.Optional(StringList);
const name = Type.String();
const description = Type.Optional(Type.String());
const first_seen = Type.Optional(Timestamp);
const last_seen = Type.Optional(Timestamp);

export const AttackPatternSchema = sdo({ name, description, aliases, kill_chain_phases });
export const CampaignSchema = sdo({ name, description, aliases, first_seen, last_seen, objective: Type.Optional(Type.String()) });
export const CourseOfActionSchema = sdo({ name, description });
export const GroupingSchema = sdo({ name: Type.Optional(name), description, context: Type.String(), object_refs: Refs() });
export const IdentitySchema = sdo({
  name,
  description,
  roles: Type.Optional(StringList),
  identity_class: Type.Optional(Type.String()),
  sectors: Type.Optional(StringList),
  contact_information: Type.Optional(Type.String()),
});
export const IncidentSchema = sdo({ name, description, kill_chain_phases });
export const IndicatorSchema = sdo({
  name: Type.Optional(name),
  description,
  indicator_types: Type.Optional(StringList),
  pattern: Type.String(),
  pattern_type: Type.String(),
  pattern_version: Type.Optional(Type.String()),
  valid_from: Timestamp,
  valid_until: Type.Optional(Timestamp),
  kill_chain_phases,
});
export type Indicator = Static<typeof IndicatorSchema>;
export const InfrastructureSchema = sdo({ name, description, infrastructure_types: Type.Optional(StringList), aliases, kill_chain_phases, first_seen, last_seen });
const motivations = {
  goals: Type.Optional(StringList),
  resource_level: Type.Optional(Type.String()),
  primary_motivation: Type.Optional(Type.String()),
  secondary_motivations: Type.Optional(StringList),
};
export const IntrusionSetSchema = sdo({ name, description, aliases, first_seen, last_seen, ...motivations });
export const LocationSchema = sdo({
  name: Type.Optional(name),
  description,
  latitude: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  longitude: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  precision: Type.Optional(Type.Number({ minimum: 0 })),
  region: Type.Optional(Type.String()),
  country: Type.Optional(Type.String()),
  administrative_area: Type.Optional(Type.String()),
  city: Type.Optional(Type.String()),
  street_address: Type.Optional(Type.String()),
  postal_code: Type.Optional(Type.String()),
});
export const MalwareSchema = sdo({
  name: Type.Optional(name),
  description,
  is_family: Type.Boolean(),
  malware_types: Type.Optional(StringList),
  aliases,
  kill_chain_phases,
  first_seen,
  last_seen,
  operating_system_refs: Type.Optional(Refs(['software'])),
  architecture_execution_envs: Type.Optional(StringList),
  implementation_languages: Type.Optional(StringList),
  capabilities: Type.Optional(StringList),
  sample_refs: Type.Optional(Refs(['file', 'artifact'])),
});
export const MalwareAnalysisSchema = sdo({
  product: Type.String(),
  version: Type.Optional(Type.String()),
  host_vm_ref: Type.Optional(Ref(['software'])),
  operating_system_ref: Type.Optional(Ref(['software'])),
  installed_software_refs: Type.Optional(Refs(['software'])),
  configuration_version: Type.Optional(Type.String()),
  modules: Type.Optional(StringList),
  analysis_engine_version: Type.Optional(Type.String()),
  analysis_definition_version: Type.Optional(Type.String()),
  submitted: Type.Optional(Timestamp),
  analysis_started: Type.Optional(Timestamp),
  analysis_ended: Type.Optional(Timestamp),
  result_name: Type.Optional(Type.String()),
  result: Type.Optional(Type.String()),
  analysis_sco_refs: Type.Optional(Refs()),
  sample_ref: Type.Optional(Ref()),
});
export const NoteSchema = sdo({ abstract: Type.Optional(Type.String()), content: Type.String(), authors: Type.Optional(StringList), object_refs: Refs() });
export const ObservedDataSchema = sdo({
  first_observed: Timestamp,
  last_observed: Timestamp,
  number_observed: Type.Integer({ minimum: 1, maximum: 999999999 }),
  objects: Type.Optional(Type.Record(Type.String(), Type.Object({}), { minProperties: 1 })),
  object_refs: Type.Optional(Refs()),
});
export const OpinionSchema = sdo({
  explanation: Type.Optional(Type.String()),
  authors: Type.Optional(StringList),
  opinion: Type.Union(['strongly-disagree', 'disagree', 'neutral', 'agree', 'strongly-agree'].map((v) => Type.Literal(v))),
  object_refs: Refs(),
});
export const ReportSchema = sdo({ name, description, report_types: Type.Optional(StringList), published: Timestamp, object_refs: Refs() });
export const ThreatActorSchema = sdo({
  name,
  description,
  threat_actor_types: Type.Optional(StringList),
  aliases,
  first_seen,
  last_seen,
  roles: Type.Optional(StringList),
  sophistication: Type.Optional(Type.String()),
  personal_motivations: Type.Optional(StringList),
  ...motivations,
});
export const ToolSchema = sdo({ name, description, tool_types: Type.Optional(StringList), aliases, kill_chain_phases, tool_version: Type.Optional(Type.String()) });
export const VulnerabilitySchema = sdo({ name, description });

export const SDO_SCHEMAS = {
  'attack-pattern': AttackPatternSchema,
  campaign: CampaignSchema,
  'course-of-action': CourseOfActionSchema,
  grouping: GroupingSchema,
  identity: IdentitySchema,
  incident: IncidentSchema,
  indicator: IndicatorSchema,
  infrastructure: InfrastructureSchema,
  'intrusion-set': IntrusionSetSchema,
  location: LocationSchema,
  malware: MalwareSchema,
  'malware-analysis': MalwareAnalysisSchema,
  note: NoteSchema,
  'observed-data': ObservedDataSchema,
  opinion: OpinionSchema,
  report: ReportSchema,
  'threat-actor': ThreatActorSchema,
  tool: ToolSchema,
  vulnerability: VulnerabilitySchema,
} as const;
