import { TLP_MARKING_IDS, tlpOfMarking, type Tlp } from '../../src/domain/tlp.ts';

/** Whether an object as it came carries a TLP marking of its own (so the hub adds none, src/ingest/prepare.ts). */
export function carriesTlp(original: Readonly<Record<string, unknown>>): boolean {
  const refs = original['object_marking_refs'];
  return original['type'] === 'marking-definition' || (Array.isArray(refs) && refs.some((r) => typeof r === 'string' && tlpOfMarking(r) !== undefined));
}

/** An object as the hub stores it: with the TLP marking it holds it under added when it carried none. */
export function asMarked(original: Readonly<Record<string, unknown>>, tlp: Tlp): Record<string, unknown> {
  if (carriesTlp(original)) return { ...original };
  const refs = original['object_marking_refs'];
  return { ...original, object_marking_refs: [...(Array.isArray(refs) ? (refs as unknown[]) : []), TLP_MARKING_IDS[tlp]] };
}

/** The text an object came as, from the text the hub stored: its added TLP marking taken out again. */
export function asReceivedText(stored: string, original: Readonly<Record<string, unknown>>, tlp: Tlp): string {
  if (carriesTlp(original)) return stored;
  const id = JSON.stringify(TLP_MARKING_IDS[tlp]);
  return stored.replace(Array.isArray(original['object_marking_refs']) ? `,${id}` : `,"object_marking_refs":[${id}]`, '');
}
