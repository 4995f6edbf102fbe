/**
 * The report a platform share names, from what was typed: its id, or the address of its page in Rampart copied from
 * the browser (".../intel/report--…"), which is easier to find than the id.
 */
export function reportIdOf(typed: string): string {
  const t = typed.trim();
  const page = /\/intel\/([^/?#\s]+)/.exec(t);
  if (page?.[1] === undefined) return t;
  try {
    return decodeURIComponent(page[1]);
  } catch {
    return page[1];
  }
}

/** Why "Record and publish" cannot be used yet, said beside it, or null once it can. */
export function platformShareWhy(form: { readonly platform: string; readonly report: string; readonly url: string; readonly reason: string }): string | null {
  const missing: string[] = [];
  if (form.platform === '') missing.push('the platform');
  if (form.report.trim() === '') missing.push('the report');
  if (form.url.trim() === '') missing.push('the address of the post');
  if (form.reason.trim() === '') missing.push('why you shared it');
  if (missing.length === 0) return null;
  const list = missing.length === 1 ? (missing[0] ?? '') : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1] ?? ''}`;
  return `Fill in ${list}.`;
}
