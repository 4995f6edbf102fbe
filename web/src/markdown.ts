/**
 * The Markdown of knowledge-base descriptions (MITRE ATT&CK, DISARM) read into a small tree that the
 * Markdown component turns into React elements: nothing here ever becomes HTML, so text is text and a
 * tag in it (`<script>`) shows as written. What it knows: paragraphs (blank lines), `<br>` and `<br />`
 * as line breaks, bullet lists (`* `, `- `), `**bold**`, `*italic*`/`_italic_`, `` `code` ``, links
 * `[text](https://…)` (http, https and mailto only; anything else stays plain text) and ATT&CK's
 * `(Citation: Name)`, which becomes a numbered reference.
 */
export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'break' }
  | { readonly kind: 'strong' | 'em'; readonly children: readonly Inline[] }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'link'; readonly href: string; readonly children: readonly Inline[] }
  | { readonly kind: 'cite'; readonly n: number; readonly name: string };

export type Block = { readonly kind: 'p'; readonly children: readonly Inline[] } | { readonly kind: 'ul'; readonly items: readonly (readonly Inline[])[] };

export interface Reference {
  readonly n: number;
  readonly name: string;
  readonly url: string | null;
  readonly description: string | null;
}

export interface Document {
  readonly blocks: readonly Block[];
  /** The citations in the order first cited, each with its source from the object's external_references when it names one. */
  readonly references: readonly Reference[];
}

/** An external reference of the object, as STIX gives it. */
export interface ExternalReference {
  readonly source_name?: unknown;
  readonly url?: unknown;
  readonly description?: unknown;
}

/** Only web and mail links are followed; javascript:, data: and relative ones are not links here. */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  return /^(https?:\/\/|mailto:)[^\s<>"]+$/i.test(trimmed) ? trimmed : null;
}

const BR = /<br\s*\/?>/gi;

class Citations {
  readonly list: Reference[] = [];
  constructor(private readonly sources: ReadonlyMap<string, ExternalReference>) {}
  number(name: string): number {
    const found = this.list.find((r) => r.name === name);
    if (found !== undefined) return found.n;
    const src = this.sources.get(name);
    const url = typeof src?.url === 'string' ? safeHref(src.url) : null;
    const description = typeof src?.description === 'string' ? src.description : null;
    const ref = { n: this.list.length + 1, name, url, description };
    this.list.push(ref);
    return ref.n;
  }
}

/** Inline markup of one line or paragraph; `<br>` has already been split out by the caller. */
function inline(text: string, cites: Citations): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain !== '') out.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const cite = /^\(Citation: ([^)]{1,300})\)/.exec(rest);
    if (cite?.[1] !== undefined) {
      flush();
      out.push({ kind: 'cite', n: cites.number(cite[1].trim()), name: cite[1].trim() });
      i += cite[0].length;
      continue;
    }
    const link = /^\[([^\]]{1,500})\]\(([^)\s]{1,2000})\)/.exec(rest);
    if (link?.[1] !== undefined && link[2] !== undefined) {
      const href = safeHref(link[2]);
      flush();
      if (href === null) out.push(...inline(link[1], cites));
      else out.push({ kind: 'link', href, children: inline(link[1], cites) });
      i += link[0].length;
      continue;
    }
    const code = /^`([^`]{1,1000})`/.exec(rest);
    if (code?.[1] !== undefined) {
      flush();
      out.push({ kind: 'code', text: code[1] });
      i += code[0].length;
      continue;
    }
    const strong = /^\*\*(?=\S)([\s\S]{1,2000}?\S)\*\*/.exec(rest);
    if (strong?.[1] !== undefined) {
      flush();
      out.push({ kind: 'strong', children: inline(strong[1], cites) });
      i += strong[0].length;
      continue;
    }
    // Underscores inside words (file_name) are not emphasis.
    const em = /^(\*|_)(?=\S)([^*_]{1,1000}?\S)\1(?![\w])/.exec(rest);
    if (em?.[2] !== undefined && (em[1] === '*' || !/\w$/.test(plain))) {
      flush();
      out.push({ kind: 'em', children: inline(em[2], cites) });
      i += em[0].length;
      continue;
    }
    plain += text[i];
    i += 1;
  }
  flush();
  return out;
}

/** A paragraph's lines (and `<br>`-split pieces) joined with line breaks, blank edges trimmed. */
function lines(parts: readonly string[], cites: Citations): Inline[] {
  const out: Inline[] = [];
  parts.forEach((part, index) => {
    if (index > 0) out.push({ kind: 'break' });
    out.push(...inline(part, cites));
  });
  return out;
}

const BULLET = /^\s{0,3}[*-]\s+/;

/** Reads a description into blocks and numbered references. */
export function parseMarkdown(text: string, externalReferences: readonly ExternalReference[] = []): Document {
  const sources = new Map<string, ExternalReference>();
  for (const r of externalReferences) if (typeof r.source_name === 'string' && !sources.has(r.source_name)) sources.set(r.source_name, r);
  const cites = new Citations(sources);
  // `<br>` twice (DISARM writes `<br /> <br />`) is a paragraph break; once, a line break.
  const normal = text.replace(/\r\n?/g, '\n').replace(/<br\s*\/?>\s*<br\s*\/?>/gi, '\n\n');
  const blocks: Block[] = [];
  for (const chunk of normal.split(/\n\s*\n/)) {
    const rows = chunk.split('\n').filter((l) => l.trim() !== '');
    if (rows.length === 0) continue;
    let para: string[] = [];
    let items: string[] = [];
    const endPara = () => {
      if (para.length > 0) blocks.push({ kind: 'p', children: lines(para.flatMap((l) => l.split(BR)).map((l) => l.trim()), cites) });
      para = [];
    };
    const endList = () => {
      if (items.length > 0) blocks.push({ kind: 'ul', items: items.map((item) => lines(item.split(BR).map((l) => l.trim()), cites)) });
      items = [];
    };
    for (const row of rows) {
      if (BULLET.test(row)) {
        endPara();
        items.push(row.replace(BULLET, ''));
      } else if (items.length > 0 && /^\s+\S/.test(row)) {
        items[items.length - 1] += ` ${row.trim()}`;
      } else {
        endList();
        para.push(row);
      }
    }
    endPara();
    endList();
  }
  return { blocks, references: cites.list };
}

/** The description as plain words, for one-line excerpts in lists: markup and citations dropped, breaks as spaces. */
export function plainText(text: string): string {
  const doc = parseMarkdown(text);
  const words = (nodes: readonly Inline[]): string =>
    nodes
      .map((n) => {
        switch (n.kind) {
          case 'text':
          case 'code':
            return n.text;
          case 'break':
            return ' ';
          case 'strong':
          case 'em':
          case 'link':
            return words(n.children);
          case 'cite':
            return '';
        }
      })
      .join('');
  return doc.blocks
    .map((b) => (b.kind === 'p' ? words(b.children) : b.items.map(words).join('; ')))
    .join(' ')
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:])/g, '$1')
    .trim();
}
