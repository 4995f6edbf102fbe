import type { ApiResponse } from './api.ts';

/** A joint statement as its drafter and co-signers see it (GET /api/v1/statements/{id}). */
export type StatementView = ApiResponse<'/api/v1/statements/{id}'>;
export type StatementTlp = StatementView['tlp'];

/** Who may read the statement once published, in plain words, with the TLP it is marked. */
export const STATEMENT_TLP: readonly { readonly tlp: StatementTlp; readonly label: string; readonly help: string }[] = [
  { tlp: 'clear', label: 'The public', help: 'Anyone can read it on the public rumour-control page, without signing in (TLP:CLEAR).' },
  { tlp: 'green', label: 'Every Rampart member', help: 'Member organizations only; not the public (TLP:GREEN).' },
  { tlp: 'amber', label: 'The signing organizations', help: 'Only the organizations that sign it (TLP:AMBER).' },
  { tlp: 'amber+strict', label: 'The signing organizations, kept inside each', help: 'Only the organizations that sign it, and they keep it inside their organization (TLP:AMBER+STRICT).' },
];

export function audienceWords(tlp: StatementTlp): string {
  return STATEMENT_TLP.find((t) => t.tlp === tlp)?.label ?? tlp;
}

/** The same words inside a sentence ("readable by every Rampart member"): only the first letter lowered, never a name. */
export function audienceInSentence(tlp: StatementTlp): string {
  const words = audienceWords(tlp);
  return words.charAt(0).toLowerCase() + words.slice(1);
}

/** What the reader's organization has to do about a statement, if anything. */
export type NextStep = 'approve' | 'publish' | 'wait-for-others' | 'published' | 'none';

export function nextStep(statement: StatementView, orgId: string): NextStep {
  if (statement.status === 'published') return 'published';
  const mine = statement.signers.find((s) => s.org_id === orgId);
  if (mine === undefined) return 'none';
  if (!mine.approved) return 'approve';
  return statement.author.id === orgId && statement.signers.every((s) => s.approved) ? 'publish' : 'wait-for-others';
}

/** "2 of 3 organizations approved" */
export function approvalCount(statement: StatementView): string {
  const approved = statement.signers.filter((s) => s.approved).length;
  return `${approved} of ${statement.signers.length} organization${statement.signers.length === 1 ? '' : 's'} approved`;
}

/** True when an edit cleared approvals some organizations had given: the page says so plainly. */
export function approvalsWereReset(statement: StatementView): boolean {
  return statement.status === 'draft' && statement.signers.some((s) => s.earlier_approval_at !== null);
}

/** The statement's lists as the list page shows them: first what waits on the reader. */
export function sortForReader(items: readonly StatementView[], orgId: string): { readonly waiting: StatementView[]; readonly inProgress: StatementView[]; readonly published: StatementView[] } {
  const waiting: StatementView[] = [];
  const inProgress: StatementView[] = [];
  const published: StatementView[] = [];
  for (const s of items) {
    const step = nextStep(s, orgId);
    if (step === 'published') published.push(s);
    else if (step === 'approve' || step === 'publish') waiting.push(s);
    else inProgress.push(s);
  }
  return { waiting, inProgress, published };
}

/** Where the signed copy is downloaded: the public address for a public statement; otherwise the object read signed in. */
export function signedCopyUrl(statement: StatementView): string | null {
  if (statement.stix_id === null) return null;
  return statement.tlp === 'clear' ? `/api/v1/public/statements/${encodeURIComponent(statement.stix_id)}` : `/api/v1/objects/${encodeURIComponent(statement.stix_id)}`;
}

/** The draft form's problems in plain words, before anything is sent. */
export function draftProblems(draft: { readonly title: string; readonly text: string; readonly cosigners: readonly string[] }): string[] {
  const out: string[] = [];
  if (draft.title.trim() === '') out.push('Give the statement a title.');
  if (draft.text.trim() === '') out.push('Write the text of the statement.');
  if (draft.cosigners.length === 0) out.push('Choose at least one other organization to sign it with you.');
  return out;
}
