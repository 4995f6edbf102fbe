import { TLP_MARKING_IDS, tlpOfMarkings, type Tlp } from '../domain/tlp.ts';

/** The key of an object's own markings, as it reads in a text. */
const KEY = '"object_marking_refs"';

/**
 * An object's text with `tlp`'s marking-definition id added to its `object_marking_refs`, the rest byte for byte: after
 * the last property (`,"object_marking_refs":[…]`) or after the object's other markings (`,"marking-definition--…"`).
 * `object` is the parsed text and `markingRefs` its `object_marking_refs` (for the rare text the scan cannot place it in).
 */
export function addTlpMarking(text: string, object: Readonly<Record<string, unknown>>, markingRefs: readonly string[], tlp: Tlp): string {
  const marking = JSON.stringify(TLP_MARKING_IDS[tlp]);
  const has = Object.hasOwn(object, 'object_marking_refs');
  // The array's closing bracket, or the object's closing brace: the marking goes after the last value before it.
  const close = has ? markingRefsClose(text) : text.lastIndexOf('}');
  if (close < 0) return JSON.stringify({ ...object, object_marking_refs: [...markingRefs, TLP_MARKING_IDS[tlp]] });
  const at = text.slice(0, close).trimEnd().length;
  const first = text.charAt(at - 1) === (has ? '[' : '{');
  return `${text.slice(0, at)}${first ? '' : ','}${has ? marking : `"object_marking_refs":[${marking}]`}${text.slice(at)}`;
}

/**
 * A stored version's text as the hub serves it (TAXII, exports, bundles, federation pushes, the REST API): with the
 * marking of the TLP the store holds it under added when its top-level `object_marking_refs` names no TLP marking (2.0,
 * or 1.0). Versions stored before the hub wrote the TLP into what it stores (commit 241b635) can lack it, and a reader
 * must never get an AMBER object unmarked: a TLP id in a granular marking, a description, an external reference or an
 * extension does not count. The stored bytes are not rewritten. Left as stored: marking definitions, and TLP:CLEAR
 * versions (a public version's bytes are what the transparency log names by hash, docs/taxii.md; unmarked, a CLEAR
 * object restricts nothing). Cheap for what the hub stores since: only the markings' array is parsed, found at the end of
 * the text (where the hub writes it) or else by a scan of the text's structure; the whole text only when it is unmarked.
 */
export function servedText(json: string, type: string, tlp: Tlp): string {
  if (tlp === 'clear' || type === 'marking-definition') return json;
  const refs = json.includes(KEY) ? markingRefsOf(json) : null;
  if (refs !== null && tlpOfMarkings(refs) !== undefined) return json;
  const object = JSON.parse(json) as Record<string, unknown>;
  const raw = object['object_marking_refs'];
  const parsed = Array.isArray(raw) ? raw.filter((r): r is string => typeof r === 'string') : [];
  // What the scan read is what a parse reads; a text the scan could not read is decided here, on the parse.
  if (tlpOfMarkings(parsed) !== undefined) return json;
  return addTlpMarking(json, object, parsed, tlp);
}

/** The strings of a text's top-level `object_marking_refs` array, or null when it has none or its array is not a list of strings. */
export function markingRefsOf(text: string): string[] | null {
  const first = text.indexOf(KEY);
  if (first < 0) return null;
  // (indexOf, not lastIndexOf: V8 searches backwards char by char.)
  let last = first;
  for (let next = text.indexOf(KEY, first + 1); next >= 0; next = text.indexOf(KEY, next + 1)) last = next;
  const span = markingRefsAtEnd(text, last) ?? markingRefsSpan(text);
  if (span === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text.slice(span.open, span.close + 1));
  } catch {
    return null;
  }
  return Array.isArray(value) && value.every((r): r is string => typeof r === 'string') ? value : null;
}

const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t';

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charAt(i))) i++;
  return i;
}

/**
 * The fast case: the text's last property is `"object_marking_refs":[…strings…]` (where the hub writes it), its key at
 * `key`. Its array closes right before the object's closing brace, so it is the value of a top-level key. Null when the text is not so.
 */
function markingRefsAtEnd(text: string, key: number): { open: number; close: number } | null {
  let i = skipSpace(text, key + KEY.length);
  if (text.charAt(i) !== ':') return null;
  const open = skipSpace(text, i + 1);
  if (text.charAt(open) !== '[') return null;
  for (i = open + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') i = stringEnd(text, i);
    else if (c === ']') break;
    else if (c === '[' || c === '{') return null;
  }
  if (i >= text.length) return null;
  const brace = skipSpace(text, i + 1);
  if (text.charAt(brace) !== '}' || skipSpace(text, brace + 1) !== text.length) return null;
  return { open, close: i };
}

/** The index of the quote that closes the JSON string opening at `open`. */
function stringEnd(text: string, open: number): number {
  // From quote to quote (a long description is skipped at once): a quote after an odd run of backslashes is escaped.
  let i = text.indexOf('"', open + 1);
  while (i > 0) {
    let slashes = 0;
    while (text.charCodeAt(i - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return i;
    i = text.indexOf('"', i + 1);
  }
  return text.length;
}

/** Where the closing bracket of an object's top-level `object_marking_refs` array is in its text (a list of strings, as validated), or -1. */
function markingRefsClose(text: string): number {
  return markingRefsSpan(text)?.close ?? -1;
}

/** Where an object's top-level `object_marking_refs` array opens and closes in its text (the last such key, as a parse takes it), or null. */
function markingRefsSpan(text: string): { open: number; close: number } | null {
  let depth = 0;
  let markings = false;
  let keyNext = false;
  let found: { open: number; close: number } | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') {
      const end = stringEnd(text, i);
      if (keyNext) markings = end - i === KEY.length - 1 && text.startsWith(KEY, i);
      keyNext = false;
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) keyNext = true;
      else if (depth === 2 && c === '[' && markings) {
        const open = i;
        for (i++; i < text.length && text.charAt(i) !== ']'; i++) if (text.charAt(i) === '"') i = stringEnd(text, i);
        if (i >= text.length) return found;
        found = { open, close: i };
        // The key once more further on (a parse takes the last): read on; else this is the one.
        if (!text.includes(KEY, i)) return found;
        depth--;
      }
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) keyNext = true;
  }
  return found;
}
