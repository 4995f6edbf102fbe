import type { AccountsContext } from '../accounts/context.ts';
import { seedOrganizations } from '../accounts/organizations.ts';
import { randomUUID } from 'node:crypto';
import { DEMO_WATCHED_DOMAIN, seedDemo, type DemoAccount, type DemoPublishing } from '../demo/seed-demo.ts';
import { notificationsStore } from '../store/notifications.ts';
import { seedDemoSupport } from '../demo/support-demo.ts';
import { supportRepository } from '../store/support.ts';
import type { OrgId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { importObjects } from '../ingest/import.ts';
import { loadKnowledgeBase, type KnowledgeBaseProgress } from '../kb/knowledge-base.ts';
import type { RampartStore } from '../store/index.ts';
import { RAMPART_EXTENSION_DEFINITION, RAMPART_IDENTITY } from '../stix/rampart-extension.ts';

export interface PrepareOptions {
  readonly hubOwner: OrgId;
  /** Add the fictional demo (county office, people, story); needs `accounts`, and the hub's rumour control and transparency log to publish its correction. */
  readonly demo?: { readonly accounts: AccountsContext; readonly credentialsFile: string; readonly publishing: DemoPublishing; /** When this start happens (now unless a test says). */ readonly now?: Date };
  readonly onKnowledgeBase?: (progress: KnowledgeBaseProgress) => void;
}

export interface Prepared {
  readonly organizationsAdded: number;
  readonly knowledgeBaseObjects: number;
  readonly demoAccounts: readonly DemoAccount[];
}

/**
 * What every start does before serving, safe to repeat: seeds the states, territories and federal
 * agencies, publishes Rampart's own identity and extension definition, loads the knowledge base,
 * and with `demo` the fictional demo.
 */
export async function prepareHub(store: RampartStore, options: PrepareOptions): Promise<Result<Prepared, Problem>> {
  const seeded = await seedOrganizations(store);
  if (!seeded.ok) return seeded;
  const own = await importObjects(store.stix, [JSON.stringify({ type: 'bundle', id: 'bundle--5d0c4c36-8c38-4f4b-9f4e-6a3c1d1b2a01', objects: [RAMPART_IDENTITY, RAMPART_EXTENSION_DEFINITION] })], {
    hubOwner: options.hubOwner,
    tlp: 'clear',
    audience: ['public'],
    onConflict: 'replace',
    referenceData: true,
  });
  if (!own.ok) return own;
  const kb = await loadKnowledgeBase(store.stix, { hubOwner: options.hubOwner, ...(options.onKnowledgeBase === undefined ? {} : { onProgress: options.onKnowledgeBase }) });
  if (!kb.ok) return err(kb.error);
  const knowledgeBaseObjects = [...kb.value.values()].reduce((n, s) => n + s.objects, 0);
  let demoAccounts: readonly DemoAccount[] = [];
  if (options.demo !== undefined) {
    const notify = notificationsStore(store.database);
    // Where the alert matcher stood before the election was seeded, when nothing stored was still waiting for it.
    let caughtUpAt: number | null = null;
    const demo = await seedDemo(options.demo.accounts, store.stix, {
      hubOwner: options.hubOwner,
      credentialsFile: options.demo.credentialsFile,
      publishing: options.demo.publishing,
      ...(options.demo.now === undefined ? {} : { now: options.demo.now }),
      beforeElection: async () => {
        const at = await notify.cursor();
        caughtUpAt = (await notify.unmatched()).versions ? null : at;
      },
      // The story is shared after the alert matcher's starting point, so its people find it in their notification
      // centres as any new share (on a later start the point stands and nothing is matched twice). The election's status
      // reports are background, not news: a later day's, added by this start, are stepped over as the first day's were
      // (unless something else was still waiting for the matcher, which must not be skipped). After the phishing
      // emails, the county watches the phishing domain: the federal indicators naming it reach its clerk. Only on the
      // start that creates the county: a clerk who later removes it from the watch list does not find it back.
      beforeStory: async (orgs, firstStart, electionAdded) => {
        await notify.cursor();
        if (electionAdded && caughtUpAt !== null) {
          const newest = await store.stix.list({ kind: 'operator' }, { versions: 'all', order: 'desc', limit: 1 });
          const to = newest.ok ? newest.value.items[0]?.addedUs : undefined;
          if (to !== undefined && to > caughtUpAt) await notify.commitPass(caughtUpAt, to, [], []);
        }
        if (firstStart) await notify.insertWatchItem({ id: randomUUID(), org_id: orgs.county.id, kind: 'domain', value: DEMO_WATCHED_DOMAIN, label: 'Phishing domain from the emails to our poll-worker coordinators (fictional)', created_at: Date.now() });
      },
    });
    if (!demo.ok) return demo;
    demoAccounts = demo.value;
    await seedDemoSupport(options.demo.accounts, supportRepository(store.database), Date.now());
  }
  return ok({ organizationsAdded: seeded.value.added, knowledgeBaseObjects, demoAccounts });
}
