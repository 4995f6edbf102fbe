import { describe, expect, it } from 'vitest';
import { mispNoteHeading, mispSummaryWords } from './misp-words.ts';

describe('MISP import words', () => {
  it('says what was imported, in plain words', () => {
    expect(mispSummaryWords({ events: 1, objects: 19, added: 19, newVersions: 0, unchanged: 0 })).toBe('1 MISP event imported as 19 STIX items: 19 new items.');
    expect(mispSummaryWords({ events: 2, objects: 5, added: 1, newVersions: 2, unchanged: 2 })).toBe('2 MISP events imported as 5 STIX items: 1 new item, 2 updated, 2 unchanged.');
    expect(mispSummaryWords({ events: 1, objects: 4, added: 0, newVersions: 0, unchanged: 4 })).toBe('1 MISP event read; everything in it was already here, so nothing changed.');
  });
  it('heads each kind of note', () => {
    expect(mispNoteHeading('audience-narrowed')).toBe('Shared more narrowly than in MISP');
    expect(mispNoteHeading('something-new')).toBe('Note');
  });
});
