import { randomUUID } from 'node:crypto';
import type { AuditPort } from '../audit/audit-log.ts';
import { auditWrite } from '../audit/object-events.ts';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { TLP_LEVELS, type Tlp } from '../domain/tlp.ts';
import type { TransparencyEvent } from '../domain/transparency.ts';
import { publishObject, type ObjectsDeps, type Written } from '../objects/service.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import type { StatementRecord } from '../store/statements.ts';
import { canonicalJson } from '../domain/canonical-json.ts';
import { signingKeyOf, type KeyDeps } from './keys.ts';
import type { StatementView } from './schemas.ts';
import { digest, signStatement } from './signing.ts';

export interface StatementDeps extends ObjectsDeps, KeyDeps {
  readonly audit?: AuditPort;
  /** Whether an organization exists (a co-signer must be a member organization). */
  readonly orgExists: (id: OrgId) => Promise<boolean>;
}

export interface DraftInput {
  readonly title: string;
  readonly text: string;
  readonly cosigners: readonly OrgId[];
  readonly tlp: Tlp;
}

const notFound = (id: string): Problem => problem('not-found', 'not-found', `No statement ${id} that your organization drafted or is asked to sign`);

/** The hash co-signers approve: the RFC 8785 form of the exact title, text and signer list. */
export function contentHash(title: string, text: string, signers: readonly string[]): string {
  return digest(canonicalJson({ title, text, signers }));
}

function signerList(author: OrgId, cosigners: readonly OrgId[]): OrgId[] {
  return [author, ...cosigners.filter((c, i) => c !== author && cosigners.indexOf(c) === i)];
}

async function checkDraft(deps: StatementDeps, principal: Principal, input: DraftInput): Promise<Result<OrgId[], Problem>> {
  if (input.title.trim() === '') return err(problem('invalid', 'empty-title', 'Give the statement a title', [{ path: '$.title', code: 'empty-title', message: 'empty' }]));
  if (input.text.trim() === '') return err(problem('invalid', 'empty-text', 'Write the statement', [{ path: '$.text', code: 'empty-text', message: 'empty' }]));
  for (const [i, org] of input.cosigners.entries()) {
    if (!(await deps.orgExists(org))) return err(problem('invalid', 'unknown-cosigner', `${org} is not a member organization; name co-signers from the directory`, [{ path: `$.cosigners[${i}]`, code: 'unknown-cosigner', message: 'not a member organization' }]));
  }
  if (input.cosigners.filter((c) => c !== principal.orgId).length === 0) {
    return err(problem('invalid', 'no-cosigner', 'A joint statement names at least one co-signer besides your organization', [{ path: '$.cosigners', code: 'no-cosigner', message: 'name another organization' }]));
  }
  return ok(signerList(principal.orgId, input.cosigners));
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function tlpOf(stored: string): StatementView['tlp'] {
  const tlp = TLP_LEVELS.find((t) => t === stored);
  if (tlp === undefined || tlp === 'red') throw new Error(`a stored statement has TLP ${stored}`);
  return tlp;
}

export async function viewOf(deps: Pick<StatementDeps, 'orgName'>, record: StatementRecord): Promise<StatementView> {
  const name = async (id: string) => {
    const org = parseOrgId(id);
    return org.ok ? deps.orgName(org.value) : null;
  };
  return {
    id: record.id,
    author: { id: record.author_org, name: await name(record.author_org) },
    title: record.title,
    text: record.body,
    tlp: tlpOf(record.tlp),
    content_hash: record.content_hash,
    status: record.status === 'published' ? 'published' : 'draft',
    stix_id: record.stix_id,
    published: iso(record.published_at),
    signers: await Promise.all(
      record.signers.map(async (s) => {
        const approved = s.approved_hash === record.content_hash;
        return { org_id: s.org_id, name: await name(s.org_id), approved, approved_at: approved ? iso(s.approved_at) : null, earlier_approval_at: approved ? null : iso(s.approved_at) };
      }),
    ),
    updated: new Date(record.updated_at).toISOString(),
  };
}

export async function draftStatement(deps: StatementDeps, principal: Principal, input: DraftInput): Promise<Result<StatementRecord, Problem>> {
  const signers = await checkDraft(deps, principal, input);
  if (!signers.ok) return signers;
  const now = deps.clock.now().getTime();
  const id = randomUUID();
  await deps.repo.create({ id, author_org: principal.orgId, title: input.title.trim(), body: input.text.trim(), tlp: input.tlp, content_hash: contentHash(input.title.trim(), input.text.trim(), signers.value), status: 'draft', stix_id: null, created_at: now, updated_at: now, published_at: null }, signers.value);
  const made = await deps.repo.get(id);
  if (made === null) throw new Error('a statement just written is missing');
  return ok(made);
}

/** The statement, when the caller's organization drafted it or is named on it; not-found otherwise. */
export async function statementFor(deps: StatementDeps, principal: Principal, id: string): Promise<Result<StatementRecord, Problem>> {
  const found = await deps.repo.get(id);
  if (found === null || (found.author_org !== principal.orgId && !found.signers.some((s) => s.org_id === principal.orgId))) return err(notFound(id));
  return ok(found);
}

/** New words or signers: allowed to the drafter before publication; every approval is reset. */
export async function editStatement(deps: StatementDeps, principal: Principal, id: string, input: DraftInput): Promise<Result<StatementRecord, Problem>> {
  const found = await statementFor(deps, principal, id);
  if (!found.ok) return found;
  if (found.value.author_org !== principal.orgId) return err(problem('forbidden', 'not-drafter', 'Only the organization that drafted the statement may change it; ask it to, or decline to sign'));
  if (found.value.status === 'published') return err(problem('conflict', 'already-published', 'The statement is published; a published statement never changes'));
  const signers = await checkDraft(deps, principal, input);
  if (!signers.ok) return signers;
  await deps.repo.edit(id, { title: input.title.trim(), body: input.text.trim(), tlp: input.tlp, contentHash: contentHash(input.title.trim(), input.text.trim(), signers.value), at: deps.clock.now().getTime() }, signers.value);
  return statementFor(deps, principal, id);
}

/** A signer approves the exact text it read: the hash it saw must be the current one. */
export async function approveStatement(deps: StatementDeps, principal: Principal, id: string, hash: string): Promise<Result<StatementRecord, Problem>> {
  const found = await statementFor(deps, principal, id);
  if (!found.ok) return found;
  if (!found.value.signers.some((s) => s.org_id === principal.orgId)) return err(notFound(id));
  if (found.value.status === 'published') return err(problem('conflict', 'already-published', 'The statement is already published'));
  if (hash !== found.value.content_hash) return err(problem('conflict', 'statement-changed', 'The statement changed since you read it; read it again and approve the new text'));
  await deps.repo.approve(id, principal.orgId, hash, deps.clock.now().getTime(), principal.userId ?? 'key');
  return statementFor(deps, principal, id);
}

/** Who a published statement reaches: CLEAR the public, GREEN the community, AMBER its signing organizations. */
function audienceFor(tlp: Tlp, signers: readonly string[]): AudienceKey[] {
  if (tlp === 'clear') return ['public'];
  if (tlp === 'green') return ['community'];
  return signers.flatMap((s) => {
    const key = parseAudienceKey(`org:${s}`);
    return key.ok ? [key.value] : [];
  });
}

/**
 * Publishes once every signer approved the current text: each signer's key signs, the hub countersigns,
 * and the statement becomes a STIX report (joint-statement) owned by the drafter, shared as its TLP says
 * (CLEAR: the public pages).
 */
export async function publishStatement(deps: StatementDeps, principal: Principal, id: string): Promise<Result<{ record: StatementRecord; written: Written }, Problem>> {
  const found = await statementFor(deps, principal, id);
  if (!found.ok) return found;
  const s = found.value;
  if (s.author_org !== principal.orgId) return err(problem('forbidden', 'not-drafter', 'Only the organization that drafted the statement publishes it'));
  if (s.status === 'published') return err(problem('conflict', 'already-published', 'The statement is already published'));
  const waiting = s.signers.filter((x) => x.approved_hash !== s.content_hash);
  if (waiting.length > 0) return err(problem('conflict', 'approvals-missing', `Not every signer approved this text yet: waiting for ${waiting.length} of ${s.signers.length}`));
  const view = await viewOf(deps, s);
  const keys = [];
  for (const signer of s.signers) {
    const org = parseOrgId(signer.org_id);
    if (!org.ok) throw new Error(`a stored signer is not an organization id: ${signer.org_id}`);
    const key = await signingKeyOf(deps, org.value);
    if (!key.ok) return key;
    keys.push({ ...key.value, orgRef: signer.org_id });
  }
  const hub = await signingKeyOf(deps, deps.hubOwner);
  if (!hub.ok) return hub;
  const published = deps.clock.now().toISOString();
  const stixId = `report--${randomUUID()}`;
  const content = { id: stixId, title: s.title, text: s.body, published, signers: view.signers.map((x) => ({ org_ref: x.org_id, name: x.name ?? x.org_id })) };
  const proof = signStatement(content, keys, { ...hub.value, orgRef: deps.hubOwner });
  const object = {
    type: 'report',
    spec_version: '2.1',
    id: stixId,
    created_by_ref: s.author_org,
    created: published,
    modified: published,
    name: s.title,
    description: s.body,
    published,
    report_types: ['joint-statement'],
    object_refs: s.signers.map((x) => x.org_id),
    extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', joint_statement: proof } },
  };
  const tlp = tlpOf(s.tlp);
  // A public statement goes into the public transparency log in the same transaction; any other stays out of it.
  const transparency: TransparencyEvent | undefined = tlp === 'clear' ? { kind: 'statement-published', time: published, content: { title: s.title, published, signers: content.signers } } : undefined;
  const written = await publishObject(deps, principal, { object, path: '$', tlp, audience: audienceFor(tlp, s.signers.map((x) => x.org_id)), ...(transparency === undefined ? {} : { transparency }) });
  if (!written.ok) return written;
  await auditWrite(deps.audit, principal, written.value.outcome, stixId, written.value.sharing);
  await deps.repo.markPublished(id, stixId, deps.clock.now().getTime());
  const record = await deps.repo.get(id);
  if (record === null) throw new Error('a published statement is missing');
  return ok({ record, written: written.value });
}
