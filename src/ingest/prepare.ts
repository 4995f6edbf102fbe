import type { ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { stixRefs } from '../store/stix-refs.ts';
import type { IncomingObject } from '../store/types.ts';
import { parseItem, type BundleItem } from '../stix/bundle-reader.ts';
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
  defaults: SharingDefaults,
  checkPattern: PatternChecker | undefined,
): Result<IncomingObject, ProblemDetail[]> {
  const validated = validateItem(item, checkPattern);
  if (!validated.ok) return validated;
  const v = validated.value;
  const sharing = sharingFor(v, defaults, item.path);
  if (!sharing.ok) return err([sharing.error]);
  // `item.kind` is 'object' here: a skipped item never validates.
  const json = item.kind === 'object' ? item.text.trim() : '';
  const prepared: IncomingObject = { id: v.id, type: v.type, created: v.created, modified: v.modified, revoked: v.revoked, name: v.name, description: v.description, json, sharing: sharing.value, refs: stixRefs(v.type, v.object) };
  // Without an audience for the import, the TLP's default is for new objects only: a new version keeps its object's audience (the store decides).
  return ok(defaults.audience === undefined && defaults.audienceFor?.(v.id) === undefined ? { ...prepared, audienceDefault: true } : prepared);
}
