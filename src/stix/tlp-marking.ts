import { TLP_MARKING_IDS, tlpOfMarkings, type Tlp } from '../domain/tlp.ts';

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

const TLP_IDS = Object.values(TLP_MARKING_IDS);

/**
 * A stored version's text as the hub serves it (TAXII, exports, bundles, federation pushes, the REST API): with the
 * marking of the TLP the store holds it under added when its text names no TLP marking. Versions stored before the hub
 * wrote the TLP into what it stores (commit 241b635) can lack it, and a reader must never get an AMBER object unmarked.
 * The stored bytes are not rewritten. Left as stored: marking definitions, and TLP:CLEAR versions (a public version's
 * bytes are what the transparency log names by hash, docs/taxii.md; unmarked, a CLEAR object restricts nothing).
 * Cheap for what the hub stores since: a text naming its own TLP's id and `object_marking_refs` is not parsed.
 */
export function servedText(json: string, type: string, tlp: Tlp): string {
  if (tlp === 'clear' || type === 'marking-definition') return json;
  // Marked (every version stored since): taken as the object's own marking without parsing. (A text holding a TLP 2.0 id only in a
  // granular marking or a description beside other object markings is served as stored: not worth a parse of every object served.)
  if (json.includes('"object_marking_refs"') && (json.includes(TLP_MARKING_IDS[tlp]) || TLP_IDS.some((id) => json.includes(id)))) return json;
  const object = JSON.parse(json) as Record<string, unknown>;
  const raw = object['object_marking_refs'];
  const refs = Array.isArray(raw) ? raw.filter((r): r is string => typeof r === 'string') : [];
  // A TLP 1.0 marking (TLP:WHITE, …) says the TLP too.
  if (tlpOfMarkings(refs) !== undefined) return json;
  return addTlpMarking(json, object, refs, tlp);
}

/** The index of the quote that closes the JSON string opening at `open`. */
function stringEnd(text: string, open: number): number {
  let i = open + 1;
  while (i < text.length && text.charAt(i) !== '"') i += text.charAt(i) === '\\' ? 2 : 1;
  return i;
}

/** Where the closing bracket of an object's top-level `object_marking_refs` array is in its text (a list of strings, as validated), or -1. */
function markingRefsClose(text: string): number {
  let depth = 0;
  let key: string | null = null;
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') {
      const end = stringEnd(text, i);
      if (keyNext) key = text.slice(i + 1, end);
      keyNext = false;
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth === 1) keyNext = true;
      else if (depth === 2 && c === '[' && key === 'object_marking_refs') {
        for (i++; i < text.length && text.charAt(i) !== ']'; i++) if (text.charAt(i) === '"') i = stringEnd(text, i);
        return i < text.length ? i : -1;
      }
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) keyNext = true;
  }
  return -1;
}
