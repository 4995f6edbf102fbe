import { randomUUID } from 'node:crypto';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { problem, type Problem, type ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { TLP_MARKING_IDS, type Tlp } from '../domain/tlp.ts';
import type { SharingPort } from '../http/deps.ts';
import type { IncomingObject, StixStore } from '../store/types.ts';
import { validateStixObject } from '../stix/validate.ts';
import type { Hit } from './matcher.ts';

/** STIX caps a sighting's count (§5.5). */
const MAX_COUNT = 999_999_999;

export interface PublishDeps {
  readonly stix: StixStore;
  readonly sharing: SharingPort;
  readonly clock: { now(): Date };
  readonly newId?: () => string;
}

export interface PublishOptions {
  /** The uploader's organization: owner, creator and where it was sighted. */
  readonly orgId: OrgId;
  readonly tlp: Tlp;
  /** The audience asked for; the organization's default for the TLP when absent. */
  readonly audience?: readonly AudienceKey[];
}

export interface PublishedSighting {
  readonly indicator: StixId;
  readonly sighting: StixId;
}

/** The STIX 2.1 sighting of one hit: of the indicator, where the uploader's organization saw it. */
export function sightingObject(hit: Hit, options: { readonly orgId: OrgId; readonly tlp: Tlp; readonly now: Date; readonly id: string }): Record<string, unknown> {
  const now = options.now.toISOString();
  return {
    type: 'sighting',
    spec_version: '2.1',
    id: `sighting--${options.id}`,
    created: now,
    modified: now,
    created_by_ref: options.orgId,
    sighting_of_ref: hit.indicator.id,
    count: Math.min(hit.count, MAX_COUNT),
    first_seen: new Date(hit.firstMs).toISOString(),
    last_seen: new Date(hit.lastMs).toISOString(),
    where_sighted_refs: [options.orgId],
    object_marking_refs: [TLP_MARKING_IDS[options.tlp]],
  };
}

/**
 * Publishes one sighting per hit, owned by the uploader's organization and shared as the
 * SharingPort decides; every sighting is validated first, and all are stored or none.
 */
export async function publishSightings(deps: PublishDeps, hits: readonly Hit[], options: PublishOptions): Promise<Result<readonly PublishedSighting[], Problem>> {
  if (hits.length === 0) return ok([]);
  const sharing = await deps.sharing.decide(options.orgId, options.tlp, options.audience);
  if (!sharing.ok) return sharing;
  const now = deps.clock.now();
  const items: IncomingObject[] = [];
  const problems: ProblemDetail[] = [];
  hits.forEach((hit, i) => {
    const object = sightingObject(hit, { orgId: options.orgId, tlp: options.tlp, now, id: deps.newId?.() ?? randomUUID() });
    const validated = validateStixObject(object, `$.sightings[${i}]`);
    if (!validated.ok) {
      problems.push(...validated.error);
      return;
    }
    const v = validated.value;
    items.push({ id: v.id, type: v.type, created: v.created, modified: v.modified, revoked: false, name: null, description: null, json: JSON.stringify(object), sharing: sharing.value });
  });
  if (problems.length > 0) return err(problem('invalid', 'invalid-sighting', 'a sighting did not validate; nothing was published', problems));
  const written = await deps.stix.write(async (writer) => {
    const outcomes = await writer.putBatch(items, 'reject');
    const refused = outcomes.flatMap((o, i): ProblemDetail[] => (o.kind === 'rejected' ? [{ id: items[i]?.id ?? '', code: o.code, message: o.message }] : []));
    if (refused.length > 0) return err(problem('invalid', 'sighting-not-stored', 'the store refused a sighting; nothing was published', refused));
    return ok(items.map((item, i): PublishedSighting => ({ indicator: hits[i]?.indicator.id ?? ('' as StixId), sighting: item.id })));
  });
  return written;
}
