/** Words for the MISP import page (pure, so they are tested without a browser). */

/** What the import summary says, in one plain sentence. */
export function mispSummaryWords(s: { readonly events: number; readonly objects: number; readonly added: number; readonly newVersions: number; readonly unchanged: number }): string {
  const events = `${s.events} MISP event${s.events === 1 ? '' : 's'}`;
  if (s.added + s.newVersions === 0) return `${events} read; everything in ${s.events === 1 ? 'it' : 'them'} was already here, so nothing changed.`;
  const parts = [s.added > 0 ? `${s.added} new item${s.added === 1 ? '' : 's'}` : null, s.newVersions > 0 ? `${s.newVersions} updated` : null, s.unchanged > 0 ? `${s.unchanged} unchanged` : null].filter((p): p is string => p !== null);
  return `${events} imported as ${s.objects} STIX item${s.objects === 1 ? '' : 's'}: ${parts.join(', ')}.`;
}

const NOTE_HEADINGS: Readonly<Record<string, string>> = {
  'audience-narrowed': 'Shared more narrowly than in MISP',
  'not-carried': 'Left out',
  'technique-not-in-knowledge-base': 'Technique not in the reference library',
  'no-distribution': 'No distribution in the file',
};

/** A heading for a kind of import note. */
export function mispNoteHeading(code: string): string {
  return NOTE_HEADINGS[code] ?? 'Note';
}
