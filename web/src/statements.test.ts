import { describe, expect, it } from 'vitest';
import { approvalCount, approvalsWereReset, audienceInSentence, draftProblems, nextStep, signedCopyUrl, sortForReader, type StatementView } from './statements.ts';

const A = 'identity--00000000-0000-4000-8000-00000000000a';
const B = 'identity--00000000-0000-4000-8000-00000000000b';
const C = 'identity--00000000-0000-4000-8000-00000000000c';
const signer = (org_id: string, approved: boolean, earlier: string | null = null) => ({ org_id, name: org_id.slice(-1), approved, approved_at: approved ? '2026-11-04T10:00:00.000Z' : null, earlier_approval_at: earlier });
const statement = (over: Partial<StatementView> = {}): StatementView => ({
  id: 's1',
  author: { id: A, name: 'A' },
  title: 'T',
  text: 'X',
  tlp: 'clear',
  content_hash: 'h',
  status: 'draft',
  stix_id: null,
  published: null,
  signers: [signer(A, false), signer(B, false)],
  updated: '2026-11-04T09:00:00.000Z',
  ...over,
});

describe('joint statements in the UI', () => {
  it('says what each organization has to do next', () => {
    expect(nextStep(statement(), A)).toBe('approve');
    expect(nextStep(statement({ signers: [signer(A, true), signer(B, false)] }), A)).toBe('wait-for-others');
    expect(nextStep(statement({ signers: [signer(A, true), signer(B, false)] }), B)).toBe('approve');
    expect(nextStep(statement({ signers: [signer(A, true), signer(B, true)] }), A)).toBe('publish');
    expect(nextStep(statement({ signers: [signer(A, true), signer(B, true)] }), B)).toBe('wait-for-others');
    expect(nextStep(statement({ signers: [signer(A, true), signer(B, true)] }), C)).toBe('none');
    expect(nextStep(statement({ status: 'published' }), B)).toBe('published');
  });

  it('counts approvals and notices approvals an edit cleared', () => {
    expect(approvalCount(statement({ signers: [signer(A, true), signer(B, false), signer(C, false)] }))).toBe('1 of 3 organizations approved');
    expect(approvalsWereReset(statement())).toBe(false);
    expect(approvalsWereReset(statement({ signers: [signer(A, false), signer(B, false, '2026-11-04T08:00:00.000Z')] }))).toBe(true);
  });

  it('lists first what waits on the reader', () => {
    const mine = statement({ id: 'mine' });
    const theirs = statement({ id: 'theirs', signers: [signer(A, true), signer(B, false)] });
    const done = statement({ id: 'done', status: 'published' });
    const sorted = sortForReader([mine, theirs, done], A);
    expect([sorted.waiting.map((s) => s.id), sorted.inProgress.map((s) => s.id), sorted.published.map((s) => s.id)]).toEqual([['mine'], ['theirs'], ['done']]);
  });

  it('downloads a public statement from its public address, others signed in', () => {
    expect(signedCopyUrl(statement())).toBeNull();
    expect(signedCopyUrl(statement({ status: 'published', stix_id: 'report--1' }))).toBe('/api/v1/public/statements/report--1');
    expect(signedCopyUrl(statement({ status: 'published', stix_id: 'report--1', tlp: 'green' }))).toBe('/api/v1/objects/report--1');
  });

  it('says in words what a draft lacks', () => {
    expect(draftProblems({ title: ' ', text: '', cosigners: [] })).toEqual(['Give the statement a title.', 'Write the text of the statement.', 'Choose at least one other organization to sign it with you.']);
    expect(draftProblems({ title: 'T', text: 'X', cosigners: [B] })).toEqual([]);
  });
});

describe('audienceInSentence', () => {
  it('lowers only the first letter, so Rampart keeps its capital', () => {
    expect(audienceInSentence('green')).toBe('every Rampart member');
    expect(audienceInSentence('clear')).toBe('the public');
  });
});
