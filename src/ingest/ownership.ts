import type { OrgId, StixId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import type { IncomingObject, MemberReader, PutOutcome, Reader, StixStore, StixWriter } from '../store/types.ts';

/**
 * Who may write a version of an id (DESIGN.md, "A refusal reveals nothing the caller may not read";
 * docs/sharing-and-audit.md, "Same id, several owners"). The store keeps one record per id and owner,
 * so a write never changes another owner's record; this rule only decides when to refuse:
 * - an observable (an SCO: no `created`, its id derives from its value) is never refused: every
 *   organization records it under its own sharing;
 * - any other object is refused (`not-owner`) only when the writer may see another organization's
 *   record of the id and holds none itself: it already knows that owner, so being told costs nothing;
 * - an id the writer cannot see is answered exactly like a free id: its write becomes the writer's own
 *   record, and the record it cannot see stays as it was and stays out of its sight.
 */
export function isObservable(item: Pick<IncomingObject, 'created' | 'modified'>): boolean {
  return item.created === null && item.modified === null;
}

/** The reader a writer is: its organization and keys decide which records of an id it may see. */
export function readerOfWriter(principal: Principal): MemberReader {
  return { kind: 'member', orgId: principal.orgId, userId: principal.userId, keys: principal.keys };
}

/** The refusal of a version of a visible object another organization owns; null when the write may go ahead. */
export function ownershipRefusal(item: Pick<IncomingObject, 'id' | 'created' | 'modified'>, writer: OrgId, visibleOwners: readonly OrgId[] | undefined): { readonly code: 'not-owner'; readonly message: string } | null {
  if (isObservable(item) || visibleOwners === undefined || visibleOwners.length === 0 || visibleOwners.includes(writer)) return null;
  const owner = visibleOwners[0] ?? '';
  return { code: 'not-owner', message: `${item.id} is an object of ${owner}, which you may see; only its owner may publish versions of it. To publish an object of your own, give it a new id` };
}

/**
 * The same rule for a batch, read through the write transaction: an outcome for each refused item, null for
 * the others. Each item's writer is its owner; `reader` is what the writer may see (the operator, who holds
 * the database, sees every record and so is refused every other owner's object).
 */
export async function ownershipRefusals(writer: StixWriter, reader: Reader, items: readonly IncomingObject[]): Promise<(PutOutcome | null)[]> {
  const ids = items.filter((i) => !isObservable(i)).map((i) => i.id);
  const owners = ids.length === 0 ? new Map<StixId, readonly OrgId[]>() : await writer.visibleOwners(reader, ids);
  return items.map((item) => {
    const refusal = ownershipRefusal(item, item.sharing.owner, owners.get(item.id));
    return refusal === null ? null : { kind: 'rejected', ...refusal };
  });
}

/** The store with the rule applied to every batch written through it, as `reader` sees the records (the CLI import: the operator). */
export function ownershipGuardedStore(stix: StixStore, reader: Reader): StixStore {
  return {
    ...stix,
    write: (fn) =>
      stix.write((writer) =>
        fn({
          async putBatch(items, policy) {
            const refused = await ownershipRefusals(writer, reader, items);
            const allowed = items.filter((_, i) => refused[i] === null);
            const written = allowed.length === 0 ? [] : await writer.putBatch(allowed, policy);
            let next = 0;
            return refused.map((r) => r ?? written[next++] ?? { kind: 'rejected', code: 'not-stored', message: 'the store returned no outcome for this object' });
          },
          visibleOwners: (r, ids) => writer.visibleOwners(r, ids),
        }),
      ),
  };
}
