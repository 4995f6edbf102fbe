import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { AuthPort } from '../auth/port.ts';
import type { Principal } from '../domain/principal.ts';
import { listObjects } from '../objects/service.ts';
import type { StixStore } from '../store/types.ts';

/**
 * The credentials of a warm start: one-time secrets, each standing for a principal while the warm start runs, and
 * none after. `port` is the AuthPort the HTTP layer is given: such a secret is answered before the real port is asked,
 * so it neither reads nor touches an API key (nothing written), and once `end` has run it is an unknown key like any
 * other. The secrets never leave the process: they are only sent by `app.inject`, before the server listens.
 */
export interface WarmCredentials {
  readonly port: AuthPort;
  lend(principal: Principal): string;
  end(): void;
}

export function warmCredentials(auth: AuthPort): WarmCredentials {
  let lent: Map<string, Principal> | null = new Map<string, Principal>();
  return {
    port: {
      signIn: (request, context) => auth.signIn(request, context),
      session: (token) => auth.session(token),
      signOut: (token) => auth.signOut(token),
      apiKey: async (secret) => lent?.get(secret) ?? auth.apiKey(secret),
      apiKeyBasic: (username, secret) => auth.apiKeyBasic(username, secret),
    },
    lend(principal) {
      if (lent === null) throw new Error('the warm start is over: no more warm-up credentials');
      const secret = `rampart-warm-up-${randomBytes(32).toString('hex')}`;
      lent.set(secret, principal);
      return secret;
    },
    end() {
      lent = null;
    },
  };
}

export interface WarmStartDeps {
  readonly app: FastifyInstance;
  readonly stix: StixStore;
  readonly credentials: WarmCredentials;
  /** The offices that watch election day (state, territory and federal offices) as read-only principals of their organization. */
  readonly offices: () => Promise<readonly Principal[]>;
  /** The elections under way (a phase now), with the states taking part. */
  readonly underWay: () => Promise<readonly { readonly id: string; readonly stateFips: readonly string[] }[]>;
  /** Builds the offices' roll-up cache entries (status/service.ts warmRollups); the number built. */
  readonly warmRollups: () => Promise<number>;
  /** How many requests run at once: the pooled database connections, so that each of them runs the hot statements. */
  readonly connections: number;
}

export interface WarmStarted {
  readonly rollups: number;
  /** Roll-ups asked through their routes, and how many of them were answered (200). */
  readonly requests: number;
  readonly answered: number;
  readonly reads: number;
  /** Wall time of the whole warm start, and of its three steps: the roll-ups built, asked, and the lists read. */
  readonly ms: number;
  readonly steps: { readonly built: number; readonly asked: number; readonly read: number };
}

/** Runs `jobs` `width` at a time. */
async function inParallel(jobs: readonly (() => Promise<unknown>)[], width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      if (job !== undefined) await job();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, jobs.length)) }, worker));
}

/**
 * A warm start, before the server listens: what the first minute of election day asks of a server, run once, so that
 * the first real requests meet built roll-ups, compiled code (routes, serializers, queries) and database connections
 * that have each run the hot statements, instead of all paying for them at once (every office's dashboard asks at
 * the same moment after a restart).
 *  - each office's roll-up cache entries built (national and own state of every election under way);
 *  - each office's national and own-state roll-up asked through the routes themselves (`app.inject`, with a warm-up
 *    credential of the office: no API key read or touched), so the answer's JSON is made and kept as a real request's;
 *  - each office's first page of the object list and a search, read through the objects service with the office's
 *    reader: the statements the list and search send, and nothing audited, since no one read anything.
 * Nothing is written: these routes and reads write nothing, and the audit log records only what people do.
 * `connections` requests at a time, so that every pooled connection runs the statements.
 */
export async function warmStart(deps: WarmStartDeps): Promise<WarmStarted> {
  const started = performance.now();
  try {
    const rollups = await deps.warmRollups();
    const built = performance.now();
    const [offices, elections] = await Promise.all([deps.offices(), deps.underWay()]);
    const asks: (() => Promise<unknown>)[] = [];
    let requests = 0;
    let answered = 0;
    for (const principal of offices) {
      const secret = deps.credentials.lend(principal);
      const headers = { authorization: `Bearer ${secret}`, 'user-agent': 'rampart warm start (before listening)' };
      const ownStates = principal.keys.flatMap((k) => (k.startsWith('state:') ? [k.slice('state:'.length)] : []));
      for (const election of elections) {
        const urls = [`/api/v1/elections/${election.id}/rollup`, ...ownStates.filter((s) => election.stateFips.includes(s)).map((s) => `/api/v1/elections/${election.id}/rollup/${s}`)];
        for (const url of urls)
          asks.push(async () => {
            requests += 1;
            if ((await deps.app.inject({ method: 'GET', url, headers })).statusCode === 200) answered += 1;
          });
      }
    }
    await inParallel(asks, deps.connections);
    const asked = performance.now();
    let reads = 0;
    const lists = offices.flatMap((principal) => {
      const reader = { kind: 'member' as const, orgId: principal.orgId, userId: null, keys: principal.keys };
      return [undefined, 'ballot'].map((q) => async () => {
        reads += 1;
        await listObjects(deps.stix, reader, { limit: 25, ...(q === undefined ? {} : { q }) });
      });
    });
    await inParallel(lists, deps.connections);
    const read = performance.now();
    return { rollups, requests, answered, reads, ms: read - started, steps: { built: built - started, asked: asked - built, read: read - asked } };
  } finally {
    deps.credentials.end();
  }
}
