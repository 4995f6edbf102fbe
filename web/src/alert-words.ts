import { typeLabel } from './format.ts';

/**
 * The line an alert is listed by: "Incident: <its name>". An item without a name is said by what it is, never
 * "Untitled item": an election-day status report has no name of its own, and is the alert a state reads most.
 */
export function alertTitle(type: string | null, name: string | null): string {
  const named = name === null || name.trim() === '' ? null : name.trim();
  if (type === null) return named ?? 'Something shared with you';
  if (named !== null) return `${typeLabel(type)}: ${named}`;
  if (type === 'x-rampart-status-report') return 'New election-day status report';
  return `${typeLabel(type)} without a title`;
}
