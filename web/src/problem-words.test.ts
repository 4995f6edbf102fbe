import { describe, expect, it } from 'vitest';
import { addressProblemWords, fileProblemWords, listedErrors, problemHeading, problemPlace, uploadProblemWords, uploadRefusal } from './problem-words.ts';

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

describe('a file the page cannot read, in the words of its page', () => {
  // The hub's own messages, as it sends them (they serve the command line and the API too).
  const bytes = { code: 'malformed-json', detail: 'byte 0x68 cannot start a JSON document; expected a STIX bundle beginning with "{" (byte 0, line 1, column 1); nothing was stored', errors: [{ path: '$', code: 'malformed-json', message: 'byte 0x68 cannot start a JSON document' }] };
  const parser = { code: 'malformed-json', detail: 'This is not JSON (Unexpected token \'h\', "hello world" is not valid JSON), so it cannot be a MISP event; nothing was stored', errors: [] };
  const stix = { code: 'not-a-misp-event', detail: 'this is a STIX file, not MISP: upload it as STIX instead (Upload items in the web UI; rampart import without --format misp; REST: POST /api/v1/import); nothing was stored', errors: [{ path: '$', code: 'not-a-misp-event', message: 'this is a STIX file, not MISP' }] };
  const format = { code: 'format-not-detected', detail: 'cannot tell the log format from its first lines; give --format (jsonl, csv, zeek, dns, nginx, suricata-eve)', errors: [] };

  it('says what to do on the page, once, without command-line options, byte codes or a parser\'s message', () => {
    const said = [fileProblemWords(bytes, 'bundle'), fileProblemWords(parser, 'misp'), fileProblemWords(stix, 'misp'), fileProblemWords(format, 'log')];
    expect(said.map((p) => p.detail)).toEqual([
      'This file is not a STIX bundle: a bundle is a JSON file that starts with “{”. Choose the STIX 2.1 file (.json) your tool exported. Nothing was stored.',
      'This file is not a MISP event file: it is not JSON. In MISP, export the event as MISP JSON and choose that file. Nothing was stored.',
      'This is a STIX file, not a MISP file. Upload it on the “Upload a bundle” page instead. Nothing was stored.',
      'Rampart cannot tell what kind of log this is from its first lines. Choose its kind under “Format” and check it again.',
    ]);
    for (const p of said) {
      expect(p.detail).not.toMatch(/--|0x|Unexpected token|REST|POST/);
      expect(p.errors).toEqual([]);
    }
  });

  it('leaves other problems as the hub said them', () => {
    const galaxy = { code: 'not-a-misp-event', detail: 'this is a MISP galaxy (a list of named threats), not an event.', errors: [] };
    expect(fileProblemWords(galaxy, 'misp')).toBe(galaxy);
    expect(fileProblemWords(format, 'bundle')).toBe(format);
  });
});

describe('a page address the hub cannot read', () => {
  it('says there is nothing at the address, in words, never the id\'s pattern', () => {
    const refused = {
      status: 400,
      title: 'Bad Request',
      code: 'invalid-request',
      detail: "The request does not match this route's schema; fix params.id",
      errors: [{ path: 'params.id', code: 'invalid-value', message: 'params.id must match pattern "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}$"' }],
    };
    const said = addressProblemWords(refused);
    expect(said).toMatchObject({ status: 404, detail: 'There is nothing at this address: the link may be cut short or mistyped. Check it, or find what you are looking for from the menu.', errors: [] });
    expect(problemHeading(said)).toBe('Not found');
  });

  it('leaves a refused form or query as the hub said it', () => {
    const query = { status: 400, title: 'Bad Request', code: 'invalid-request', detail: 'fix querystring.limit', errors: [{ path: 'querystring.limit', message: 'querystring.limit must be integer' }] };
    expect(addressProblemWords(query)).toBe(query);
  });
});

describe('listedErrors', () => {
  it('does not list again what the sentence above already says', () => {
    const webhook = { detail: 'the address must start with https:// (plain http:// only to this machine)', errors: [{ path: 'body.url', message: 'the address must start with https:// (plain http:// only to this machine)' }] };
    expect(listedErrors(webhook)).toEqual([]);
    const upload = { detail: '2 of 3 objects were rejected', errors: [{ path: '$.objects[0].id', message: 'id is required' }] };
    expect(listedErrors(upload)).toEqual(upload.errors);
  });
});
