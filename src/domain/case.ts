import type { CaseStatus } from './election.ts';

/** The order a case moves in; `reopened` sits beside `acknowledged`, for a case taken up again. */
const RANK: Readonly<Record<CaseStatus, number>> = { new: 0, acknowledged: 1, reopened: 1, investigating: 2, contained: 3, resolved: 4 };

/**
 * Whether a case may move from one status to another: forward only (a step may be skipped, e.g. a
 * false alarm goes from new to resolved), and from resolved only to reopened.
 */
export function canMoveCase(from: CaseStatus, to: CaseStatus): boolean {
  if (from === to) return false;
  if (from === 'resolved') return to === 'reopened';
  if (to === 'reopened' || to === 'new') return false;
  return RANK[to] > RANK[from];
}

/** The statuses a case may move to next, in workflow order. */
export function nextCaseStatuses(from: CaseStatus): CaseStatus[] {
  return (['acknowledged', 'investigating', 'contained', 'resolved', 'reopened'] as const).filter((to) => canMoveCase(from, to));
}
