import { typeLabel } from './format.ts';

/** An audit action code in words: "object.sharing-changed" → "Object sharing changed". */
export function auditAction(action: string): string {
  const words = action.replace(/[._:-]+/g, ' ').trim();
  return words === '' ? action : (words[0]?.toUpperCase() ?? '') + words.slice(1);
}

/** True for a STIX id (`type--uuid`), which has a page of its own under /intel. */
export function isStixId(id: string): boolean {
  return /^[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
}

/**
 * A STIX id in the audit trail, short enough for a phone: its kind in words and the first part of its number
 * ("Report fb974eec"); the whole id stays in the link's tooltip and address.
 */
export function auditObjectWords(id: string): string {
  const split = id.indexOf('--');
  return split < 0 ? id : `${typeLabel(id.slice(0, split))} ${id.slice(split + 2, split + 10)}`;
}

/** Organizations whose name (or short name) contains every word typed, best (prefix) matches first, at most `limit`. */
export function findOrgs<T extends { readonly name: string; readonly short_name?: string | null }>(orgs: readonly T[], typed: string, limit = 8): T[] {
  const words = typed.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return [];
  const hay = (o: T) => `${o.name} ${o.short_name ?? ''}`.toLowerCase();
  const found = orgs.filter((o) => words.every((w) => hay(o).includes(w)));
  const first = words[0] ?? '';
  found.sort((a, b) => Number(!a.name.toLowerCase().startsWith(first)) - Number(!b.name.toLowerCase().startsWith(first)) || a.name.localeCompare(b.name));
  return found.slice(0, limit);
}

/** How often a feed runs, in words: 3600 → "every hour", 90 → "every 90 seconds". */
export function everyWords(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? 'every day' : `every ${seconds / 86_400} days`;
  if (seconds % 3600 === 0) return seconds === 3600 ? 'every hour' : `every ${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? 'every minute' : `every ${seconds / 60} minutes`;
  return `every ${seconds} seconds`;
}

/** The secret of an otpauth:// URI, grouped by four for reading aloud; null when the URI has none. */
export function secretOf(uri: string): string | null {
  const m = /[?&]secret=([A-Z2-7]+)/i.exec(uri);
  return m?.[1] === undefined ? null : groupSecret(m[1]);
}

export function groupSecret(secret: string): string {
  return secret.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
}

/** The server's rule for a new password, checked before sending so the form can say what to fix; null when it may be sent. */
export function passwordIssue(password: string, repeated: string): string | null {
  if (password.length < 12) return 'The new password needs at least 12 characters.';
  if (password !== repeated) return 'The two new passwords are not the same; type it again in both boxes.';
  return null;
}
