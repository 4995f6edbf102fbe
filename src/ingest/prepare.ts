import type { ProblemDetail } from '../domain/problem.ts';
import { tlpOfMarkings, type Tlp } from '../domain/tlp.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { stixRefs } from '../store/stix-refs.ts';
import type { IncomingObject, Sharing } from '../store/types.ts';
import { parseItem, type BundleItem } from '../stix/bundle-reader.ts';
import { addTlpMarking } from '../stix/tlp-marking.ts';
import { validateStixObject, type PatternChecker, type ValidatedObject } from '../stix/validate.ts';
import { defaultPatternChecker } from './pattern-checker.ts';
import { sharingFor, type SharingDefaults } from './sharing-defaults.ts';

/** Parses and validates one element of a bundle; the first step every ingest path shares. Patterns are checked by src/stix/pattern unless another checker is given. */
export function validateItem(item: Exclude<BundleItem, { kind: 'fatal' }>, checkPattern: PatternChecker | undefined): Result<ValidatedObject, ProblemDetail[]> {
  if (item.kind === 'skipped') return err([{ path: item.path, code: item.code, message: `${item.message} (element starting at byte ${item.at.offset})` }]);
  const parsed = parseItem(item);
  if (!parsed.ok) return err([parsed.error]);
  const checker = checkPattern ?? defaultPatternChecker;
  return validateStixObject(parsed.value, item.path, checker === undefined ? {} : { checkPattern: checker });
}

/** Turns one element into an object ready to store: validated, shared, with its exact original text. */
export function prepareItem(
  item: Exclude<BundleItem, { kind: 'fatal' }>,
  defaults: SharingDefaults & { readonly referenceData?: boolean },
  checkPattern: PatternChecker | undefined,
): Result<IncomingObject, ProblemDetail[]> {
  const validated = validateItem(item, checkPattern);
  if (!validated.ok) return validated;
  const v = validated.value;
  const sharing = sharingFor(v, defaults, item.path);
  if (!sharing.ok) return err([sharing.error]);
  // `item.kind` is 'object' here: a skipped item never validates.
  const text = item.kind === 'object' ? item.text.trim() : '';
  // The hub's reference library keeps its publishers' exact bytes (reloaded at every start); members' objects say their TLP.
  const json = defaults.referenceData === true ? text : withTlpMarking(text, v, sharing.value.tlp);
  const prepared: IncomingObject = {
    ...incomingOf(v, json, sharing.value),
    refs: stixRefs(v.type, v.object),
    ...(json === text ? {} : { asReceived: text }),
    ...(json !== text && defaults.tlp === undefined && tlpOfMarkings(v.objectMarkingRefs) === undefined ? { tlpDefault: true } : {}),
  };
  // Without an audience for the import, the TLP's default is for new objects only: a new version keeps its object's audience (the store decides).
  return ok(defaults.audience === undefined && defaults.audienceFor?.(v.id) === undefined ? { ...prepared, audienceDefault: true } : prepared);
}

/**
 * The object's text with the TLP marking the hub holds it under, when it carries none of its own: so TAXII readers,
 * exports and the Intelligence list see the TLP it is shared by, as POST /api/v1/objects writes it in. The text is kept
 * byte for byte, the marking added after the last property (`,"object_marking_refs":[…]`) or after the object's other
 * markings (`,"marking-definition--…"`). Marking definitions are left as they are.
 */
export function withTlpMarking(text: string, v: ValidatedObject, tlp: Tlp): string {
  if (v.type === 'marking-definition' || tlpOfMarkings(v.objectMarkingRefs) !== undefined) return text;
  return addTlpMarking(text, v.object, v.objectMarkingRefs, tlp);
}

/** The version a validated object's text becomes in the store, under `sharing` (every write path starts from this). */
export function incomingOf(v: ValidatedObject, json: string, sharing: Sharing): IncomingObject {
  return { id: v.id, type: v.type, created: v.created, modified: v.modified, revoked: v.revoked, name: v.name, description: v.description, json, sharing };
}
