import { randomUUID } from 'node:crypto';
import type { OrgId, StixId } from '../domain/ids.ts';
import { problem, type Problem, type ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { TLP_MARKING_IDS, type Tlp } from '../domain/tlp.ts';
import type { IncomingObject, Sharing, StixStore } from '../store/types.ts';
import { validateStixObject } from '../stix/validate.ts';
import type { Hit } from './matcher.ts';

/** STIX caps a sighting's count (§5.5). */
const MAX_COUNT = 999_999_999;

export interface PublishDeps {
  readonly stix: StixStore;
  readonly clock: { now(): Date };
  readonly newId?: () => string;
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
 * Publishes one sighting per hit with a sharing already decided (SharingPort.decide, before the log is read, so a
 * refused TLP or audience costs no reading): owned by, created by and sighted at `sharing.owner`, the uploader's
 * organization. Every sighting is validated first, and all are stored or none.
 */
export async function publishSightings(deps: PublishDeps, hits: readonly Hit[], sharing: Sharing): Promise<Result<readonly PublishedSighting[], Problem>> {
  if (hits.length === 0) return ok([]);
  const now = deps.clock.now();
  const items: IncomingObject[] = [];
  const problems: ProblemDetail[] = [];
  hits.forEach((hit, i) => {
    const object = sightingObject(hit, { orgId: sharing.owner, tlp: sharing.tlp, now, id: deps.newId?.() ?? randomUUID() });
    const validated = validateStixObject(object, `$.sightings[${i}]`);
    if (!validated.ok) {
      problems.push(...validated.error);
      return;
    }
    const v = validated.value;
    items.push({ id: v.id, type: v.type, created: v.created, modified: v.modified, revoked: false, name: null, description: null, json: JSON.stringify(object), sharing });
  });
  if (problems.length > 0) return err(problem('invalid', 'invalid-sighting', 'a sighting did not validate; nothing was published', problems));
  const written = await deps.stix.write(async (writer) => {
    const outcomes = await writer.putBatch(items, 'reject');
    const refused = outcomes.flatMap((o, i): ProblemDetail[] => (o.kind === 'rejected' ? [{ id: items[i]?.id ?? '', code: o.code, message: o.message }] : []));
    if (refused.length > 0) return err(problem('invalid', 'sighting-not-stored', 'the store refused a sighting; nothing was published', refused));
    return ok(items.flatMap((item, i): PublishedSighting[] => {
      const indicator = hits[i]?.indicator.id;
      return indicator === undefined ? [] : [{ indicator, sighting: item.id }];
    }));
  });
  return written;
}
