import type { AudienceKey } from '../../src/domain/audience.ts';
import { tlpLabel, type Tlp } from '../../src/domain/tlp.ts';
import type { ApiProblem } from './api.ts';
import { audienceLabel } from './audience-labels.ts';
import { audienceChoices, isAllowed, tlpReason, type AudienceChoice, type Reporter } from './sharing-rules.ts';

/** The places a status may go at this TLP: only those the sharing rule allows, so a poster never picks one the hub refuses. */
export function statusAudienceChoices(tlp: Tlp, me: Reporter): AudienceChoice[] {
  // The public never reads election-day status: rumour-control pages show corrections, not it.
  return audienceChoices(me).filter((c) => c.kind !== 'public' && isAllowed(tlp, c.kind));
}

/** "Wisconsin (state office and its local offices) and …": the chosen audience in words. */
export function audienceWords(audience: readonly AudienceKey[], me: Reporter): string {
  if (audience.length === 0) return 'nobody yet';
  const words = audience.map((k) => audienceLabel(k, me));
  return words.length === 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1] ?? ''}`;
}

/** "TLP:AMBER, shared with Wisconsin (state office and its local offices)": what the poster is about to do, in one line. */
export function sharingLine(tlp: Tlp, audience: readonly AudienceKey[], me: Reporter): string {
  return `${tlpLabel(tlp)}, shared with ${audienceWords(audience, me)}`;
}

/** Why the status cannot be sent yet, before asking the hub; null when it may go. */
export function sharingIssue(tlp: Tlp, audience: readonly AudienceKey[]): string | null {
  if (audience.length === 0) return `Choose who may see it: ${tlpReason(tlp)}`;
  return null;
}

/**
 * The hub's refusal in words an election official reads at a glance: a TLP/audience mismatch names
 * what the TLP allows instead of the hub's audience keys.
 */
export function statusProblem(problem: ApiProblem, tlp: Tlp): ApiProblem {
  if (problem.code !== 'tlp-audience-mismatch') return problem;
  return { ...problem, detail: `${tlpLabel(tlp)} cannot go to everyone you chose. ${tlpReason(tlp)} Change “Who sees it” and send again.`, errors: [] };
}
