import { sql, type Kysely } from 'kysely';
import { RAMPART_NAMESPACE, uuidV5 } from '../../domain/uuid.ts';

interface ReceiptRow {
  source: string;
  object_id: string;
  owner: string;
  withdrawn: number;
  received_at: string;
  url: string | null;
}

/**
 * Remote owners (docs/federation.md, "Who owns a received object"): an object received from another hub
 * is now owned here by an identity derived from that hub's origin and the object's creator, never by the
 * creator's id itself, which a local organization may share. Objects received before are re-owned: each
 * is bound to the hub it first came through (its earliest receipt whose feed or pull address is known),
 * and its receipts through other hubs are forgotten, since only the first hub may bring its versions.
 * Adds the refusals a feed reports: objects a pull did not store and why.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('federation_refusal')
    .addColumn('source', 'text', (c) => c.notNull()) // feed:<id> or pull:<url>
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull()) // the refused version's modified, '' when it has none
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('refused_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_refusal_pk', ['source', 'object_id', 'version'])
    .execute();
  await db.schema.createIndex('federation_refusal_source_at').on('federation_refusal').columns(['source', 'refused_at']).execute();

  const { rows } = await sql<ReceiptRow>`select r.source, r.object_id, r.owner, r.withdrawn, r.received_at, f.url
    from federation_received r left join federation_feed f on r.source = ${'feed:'} || f.id
    order by r.object_id, r.received_at, r.source`.execute(db);
  let bound: string | null = null;
  for (const row of rows) {
    const url = row.url ?? (row.source.startsWith('pull:') ? row.source.slice('pull:'.length) : null);
    let origin: string | null = null;
    try {
      origin = url === null ? null : new URL(url).origin;
    } catch {
      origin = null;
    }
    // A receipt from a deleted feed names no hub: it keeps its owner, and a later pull's version of it is refused.
    if (origin === null) continue;
    if (bound !== null && bound.startsWith(`${row.object_id} `)) {
      if (bound !== `${row.object_id} ${origin}`) await sql`delete from federation_received where source = ${row.source} and object_id = ${row.object_id}`.execute(db);
      continue;
    }
    bound = `${row.object_id} ${origin}`;
    // Objects without a creator were already owned by the remote's derived identity.
    if (row.owner === `identity--${uuidV5(`taxii-remote:${origin}`, RAMPART_NAMESPACE)}`) continue;
    const owner = `identity--${uuidV5(`federation-owner:${origin}|${row.owner}`, RAMPART_NAMESPACE)}`;
    if (row.withdrawn !== 0) {
      // Withdrawn objects are shared with their owner alone: that key follows the owner.
      const [before, after] = [`org:${row.owner}`, `org:${owner}`];
      await sql`update stix_audience set key = ${after} where key = ${before} and added_us in (select added_us from stix_version where id = ${row.object_id} and owner = ${row.owner})`.execute(db);
      await sql`update stix_version set audience = ${JSON.stringify([after])} where id = ${row.object_id} and owner = ${row.owner} and audience = ${JSON.stringify([before])}`.execute(db);
    }
    await sql`update stix_version set owner = ${owner} where id = ${row.object_id} and owner = ${row.owner}`.execute(db);
    await sql`update federation_received set owner = ${owner} where object_id = ${row.object_id} and owner = ${row.owner}`.execute(db);
  }
}
