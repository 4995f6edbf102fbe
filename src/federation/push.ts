import type { OrgId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { FederationRepository } from '../store/federation.ts';
import type { Reader, StixStore } from '../store/types.ts';
import { servedText } from '../stix/tlp-marking.ts';
import type { CollectionLocation, TaxiiClient } from '../taxii/client/client.ts';
import { pushObjects, type PushOptions, type PushSummary } from '../taxii/client/push.ts';
import type { FederationError } from './pull.ts';

export interface PushDeps {
  readonly stix: StixStore;
  readonly repo: FederationRepository;
  readonly client: TaxiiClient;
  readonly now: () => Date;
}

export interface PushPlan {
  /** Key of the saved position: feed:<id> (the CLI passes none and pushes from --since). */
  readonly source?: string;
  readonly location: CollectionLocation;
  /** Only what this reader may see is sent: a reader owning nothing (the remote's identity, or an audience of keys), so that what leaves is what was shared with its keys. */
  readonly reader: Reader;
  /** Only objects this organization owns: only owners decide where their objects go, and a received object never travels further by push. */
  readonly ownedBy: OrgId;
  readonly types?: readonly string[];
  /** Only versions added here after this many microseconds since the epoch (overrides the saved position). */
  readonly sinceUs?: number;
  readonly options?: PushOptions;
}

export interface PushRunSummary extends PushSummary {
  /** Microseconds since the epoch of the newest version sent: where the next push starts. */
  readonly addedUs: number | null;
}

const PAGE = 500;

/**
 * Sends the latest version of everything of `ownedBy` that `reader` may see (added after the saved position),
 * in envelopes the remote accepts, then saves the position. The store's query decides what leaves (its
 * visibility predicate and the owner): nothing is filtered after the fact.
 */
export async function runPush(deps: PushDeps, plan: PushPlan): Promise<Result<PushRunSummary, FederationError>> {
  const saved = plan.source === undefined ? null : await deps.repo.cursor(plan.source);
  const startUs = plan.sinceUs ?? (saved?.addedAfter === null || saved?.addedAfter === undefined ? undefined : Number(saved.addedAfter));
  let newest: number | null = null;
  let failure: FederationError | null = null;
  const { stix, reader } = { stix: deps.stix, reader: plan.reader };
  async function* objects(): AsyncGenerator<string> {
    let cursor: string | undefined;
    for (;;) {
      const page = await stix.list(reader, {
        limit: PAGE,
        versions: 'latest',
        owners: [plan.ownedBy],
        ...(plan.types === undefined ? {} : { types: plan.types }),
        ...(startUs === undefined ? {} : { addedAfterUs: startUs }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      if (!page.ok) {
        failure = page.error;
        return;
      }
      for (const v of page.value.items) {
        newest = Math.max(newest ?? 0, v.addedUs);
        // With its TLP marking, as TAXII serves it (a version stored before the hub wrote markings in may lack it).
        yield servedText(v.json, v.type, v.sharing.tlp);
      }
      if (page.value.nextCursor === null) return;
      cursor = page.value.nextCursor;
    }
  }
  const pushed = await pushObjects(deps.client, plan.location, objects(), plan.options ?? {});
  if (failure !== null) return err(failure);
  if (!pushed.ok) return err(pushed.error);
  if (plan.source !== undefined && newest !== null) {
    await deps.repo.saveCursor(plan.source, { addedAfter: String(newest), next: null, highWater: String(newest) }, deps.now().toISOString());
  }
  return ok({ ...pushed.value, addedUs: newest });
}
