import type { StixId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { Principal } from '../domain/principal.ts';
import { microsFromIso } from '../stix/timestamp.ts';
import type { TaxiiCollection } from './collections.ts';
import { notFound, taxiiError, type TaxiiError } from './errors.ts';
import type { TaxiiQuery } from './query.ts';
import { versionsIn, type ReadDeps } from './read.ts';

/**
 * DELETE an object from a collection (§5.7). Rampart's semantics: only the owner organization may
 * delete, and a delete is a withdrawal for every reader, not only from this collection:
 * - without match[version] (or with `all`), the object is withdrawn whole: its audience becomes empty
 *   (so no other organization sees it anywhere, REST included) and TAXII stops serving it, to its owner too;
 * - with first/last/exact versions, those versions are no longer served by TAXII, to anyone.
 * A later new version from the owner serves the object again.
 */
export async function deleteObject(deps: ReadDeps, principal: Principal, collection: TaxiiCollection, id: StixId, query: TaxiiQuery): Promise<Result<void, TaxiiError>> {
  if (!collection.canWrite) return err(taxiiError(403, 'cannot-write', 'You may read this collection but not change it (can_write is false); use a write-scoped key on a collection you can write'));
  const visible = await versionsIn(deps, collection, id);
  if (visible.length === 0 || (query.specVersions !== undefined && !query.specVersions.includes('2.1'))) return err(notFound(`Object ${id}`));
  // Only the caller's own record of the id; a record of another owner it may see is refused (it already knows it is not its own).
  const versions = visible.filter((v) => v.stored.sharing.owner === principal.orgId);
  const latest = versions.find((v) => v.stored.isLatest) ?? versions[versions.length - 1];
  if (latest === undefined) {
    return err(taxiiError(403, 'not-owner', `Only the organization that owns ${id} (its created_by_ref) may delete it`));
  }
  const m = query.version;
  // No match[version]: the whole object goes, not only its latest version (where medallion falls short).
  const whole = m.all || query.versionGiven !== true;
  if (whole) {
    await deps.taxii.withdraw(id, 'all', principal.orgId, deps.nowMs() * 1000);
    await deps.stix.reshare(id, { ...latest.stored.sharing, audience: [] });
    return ok(undefined);
  }
  const first = versions[0];
  const chosen = versions.filter((v) => (m.last && v === latest) || (m.first && v === first) || m.exact.has(microsFromIso(v.version) ?? -1));
  if (chosen.length === 0) return err(notFound(`No version of ${id} matching match[version]`));
  if (chosen.length === versions.length) {
    await deps.taxii.withdraw(id, 'all', principal.orgId, deps.nowMs() * 1000);
    await deps.stix.reshare(id, { ...latest.stored.sharing, audience: [] });
    return ok(undefined);
  }
  await deps.taxii.withdraw(
    id,
    chosen.map((v) => v.version),
    principal.orgId,
    deps.nowMs() * 1000,
  );
  return ok(undefined);
}

