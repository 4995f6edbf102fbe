import { describe, expect, it } from 'vitest';
import { problemHeading, problemPlace, uploadProblemWords, uploadRefusal } from './problem-words.ts';

describe('problem headings', () => {
  it('says what happened in plain words, not the HTTP reason phrase', () => {
    expect(problemHeading({ status: 403, title: 'Forbidden' })).toBe('Not allowed');
    expect(problemHeading({ status: 400, title: 'Bad Request' })).toBe('Please check what you entered');
    expect(problemHeading({ status: 422, title: 'Unprocessable Entity' })).toBe('Please check what you entered');
    expect(problemHeading({ status: 0, title: 'No connection' })).toBe('No connection');
    expect(problemHeading({ status: 503, title: 'Service Unavailable' })).toBe('Something went wrong on the hub');
    expect(problemHeading({ status: 418, title: "I'm a Teapot" })).toBe("I'm a Teapot");
  });
});

describe('problems in an uploaded file', () => {
  it('names the item by its number, not by a JSON path', () => {
    expect(problemPlace('$.objects[0]')).toBe('Item 1');
    expect(problemPlace('$.objects[12].pattern')).toBe('Item 13, pattern');
    expect(problemPlace('$')).toBeNull();
    expect(problemPlace(null)).toBeNull();
    expect(problemPlace('$.name')).toBe('name');
  });

  it('points at the page’s checkbox, never at a command-line option', () => {
    const said = uploadProblemWords({ detail: '4 of 4 objects were rejected, so nothing was stored; fix them, or pass --skip-invalid to store the valid ones' }, 'Store the valid items');
    expect(said.detail).toBe('4 of 4 objects were rejected, so nothing was stored; fix them, or tick “Store the valid items” to store the others');
    expect(said.detail).not.toContain('--');
  });
});

describe('an upload refused item by item', () => {
  it('groups the refused items by why, in plain words, and counts the others that could be stored', () => {
    const errors = [
      { path: '$.objects[0]', code: 'already-here', message: 'this item is already here: …' },
      { path: '$.objects[1]', code: 'already-here', message: 'this item is already here: …' },
      { path: '$.objects[3]', code: 'invalid-timestamp', message: 'created: "yesterday" is not a timestamp' },
    ];
    expect(uploadRefusal({ code: 'import-rejected', detail: '3 of 8 objects were rejected, so nothing was stored; fix them, or pass --skip-invalid to store the valid ones', errors })).toEqual({
      refused: 3,
      total: 8,
      others: 5,
      reasons: ['2 are already here: another organization made them and shared them with you, and only their maker can change them', '1 refused: created: "yesterday" is not a timestamp'],
    });
    expect(uploadRefusal({ code: 'import-rejected', detail: 'refused', errors })?.others).toBeNull();
    expect(uploadRefusal({ code: 'import-rejected', detail: '1 of 2 objects were rejected', errors: [{ path: '$.objects[0]', code: 'not-owner', message: 'x' }] })?.reasons).toEqual([
      '1 is an item another organization shared with you (or a changed copy of one), and only its owner can change it',
    ]);
    expect(uploadRefusal({ code: 'malformed-json', detail: 'not JSON', errors: [] })).toBeNull();
  });
});
