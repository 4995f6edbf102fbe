import type { PublicCorrection } from './schemas.ts';

/** Text safe inside XML or HTML element content and double-quoted attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

const PHASE: Readonly<Record<PublicCorrection['phase'], string>> = { before: 'Before voting', during: 'While voting is under way', after: 'After voting' };

function correctionText(c: PublicCorrection): string {
  const lines = [`Rumour: ${c.rumour}`, `Reality: ${c.reality}`];
  if (c.law_cited.length > 0) lines.push(`The law: ${c.law_cited.join('; ')}`);
  lines.push(`Where to get the facts: ${c.official_links.map((l) => `${l.title} <${l.url}>`).join(', ')}`);
  if (c.status === 'withdrawn') lines.unshift(`WITHDRAWN by its publisher${c.withdrawn_reason === null ? '' : `: ${c.withdrawn_reason}`}`);
  return lines.join('\n\n');
}

/**
 * An Atom 1.0 feed (RFC 4287) of corrections: one entry per correction, its id a tag URI of the STIX id
 * (stable across versions), updated when its latest version was.
 */
export function atomFeed(items: readonly PublicCorrection[], base: string, selfPath: string, title: string): string {
  const updated = items.reduce((latest, c) => (c.updated > latest ? c.updated : latest), '1970-01-01T00:00:00.000Z');
  const entries = items.map((c) => {
    const link = `${base}/rumour-control?id=${encodeURIComponent(c.id)}`;
    return [
      '  <entry>',
      `    <id>urn:stix:${escapeXml(c.id)}</id>`,
      `    <title>${escapeXml(c.status === 'withdrawn' ? `Withdrawn: ${c.title}` : c.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>`,
      `    <published>${escapeXml(c.published)}</published>`,
      `    <updated>${escapeXml(c.updated)}</updated>`,
      `    <author><name>${escapeXml(c.publisher ?? c.state_name)}</name></author>`,
      `    <category term="${escapeXml(c.state_fips)}" label="${escapeXml(c.state_name)}"/>`,
      `    <category term="${escapeXml(c.phase)}" label="${escapeXml(PHASE[c.phase])}"/>`,
      `    <content type="text">${escapeXml(correctionText(c))}</content>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${escapeXml(base + selfPath)}</id>`,
    `  <title>${escapeXml(title)}</title>`,
    `  <updated>${escapeXml(updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(base + selfPath)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(`${base}/rumour-control`)}"/>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** The page a state or county website shows in an iframe: its own corrections, plain HTML, no script. */
export function embedPage(items: readonly PublicCorrection[], base: string, heading: string): string {
  const cards = items.map((c) => {
    const links = c.official_links.map((l) => `<li><a href="${escapeXml(l.url)}" target="_blank" rel="noopener noreferrer">${escapeXml(l.title)}</a></li>`).join('');
    const withdrawn = c.status === 'withdrawn' ? `<p class="withdrawn"><strong>Withdrawn</strong>${c.withdrawn_reason === null ? '' : `: ${escapeXml(c.withdrawn_reason)}`}</p>` : '';
    const law = c.law_cited.length === 0 ? '' : `<p class="small"><strong>The law:</strong> ${escapeXml(c.law_cited.join('; '))}</p>`;
    return `<article${c.status === 'withdrawn' ? ' class="is-withdrawn"' : ''}><h2>${escapeXml(c.title)}</h2>${withdrawn}<p><strong>Rumour:</strong> ${escapeXml(c.rumour)}</p><p><strong>Reality:</strong> ${escapeXml(c.reality)}</p>${law}<p class="small"><strong>Where to get the facts:</strong></p><ul>${links}</ul><p class="small muted">${escapeXml(c.publisher ?? c.state_name)} · ${escapeXml(c.published.slice(0, 10))}</p></article>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeXml(heading)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:8px;color:#1b1f24;background:#fff}h1{font-size:1.1rem;margin:0 0 8px}h2{font-size:1rem;margin:0 0 6px}article{border:1px solid #c9d1d9;border-radius:6px;padding:10px 12px;margin:0 0 10px}.is-withdrawn{opacity:.75}.withdrawn{background:#fff4e5;padding:4px 8px;border-radius:4px}.small{font-size:.85rem}.muted{color:#57606a}ul{margin:0 0 6px;padding-left:20px}a{color:#0b5cad}footer{font-size:.8rem;color:#57606a}</style>
</head><body><h1>${escapeXml(heading)}</h1>${cards.length === 0 ? '<p class="muted">No corrections have been published here yet.</p>' : cards.join('\n')}
<footer>Official corrections published through <a href="${escapeXml(`${base}/rumour-control`)}" target="_blank" rel="noopener noreferrer">Rampart rumour control</a>.</footer></body></html>
`;
}

/**
 * The script a state or county website includes: it replaces itself with an iframe of the embed page for
 * the state (and county) named on its data attributes, so the host page runs none of Rampart's content.
 */
export function widgetScript(base: string): string {
  return `(function () {
  var script = document.currentScript;
  if (!script) return;
  var params = new URLSearchParams();
  var state = script.getAttribute('data-state');
  var county = script.getAttribute('data-county');
  var election = script.getAttribute('data-election');
  if (state) params.set('state', state);
  if (county) params.set('county', county);
  if (election) params.set('election', election);
  var frame = document.createElement('iframe');
  frame.src = ${JSON.stringify(`${base}/rumour-control/embed`)} + '?' + params.toString();
  frame.title = 'Official election rumour corrections';
  frame.loading = 'lazy';
  frame.style.width = '100%';
  frame.style.border = '0';
  frame.style.minHeight = script.getAttribute('data-height') || '480px';
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
`;
}
