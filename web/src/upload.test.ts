import { describe, expect, it } from 'vitest';
import { contentTypeFor, formatBytes, matchPath, percent, readImportLines } from './upload.ts';

describe('log upload helpers', () => {
  it('spells out every match option', () => {
    expect(matchPath({ format: 'suricata-eve', publish: true, includeWarningListed: false })).toBe('/api/v1/match?format=suricata-eve&publish=true&include_warning_listed=false');
  });

  it('sends JSON lines as NDJSON and the rest as text', () => {
    expect(contentTypeFor('eve.json', 'auto')).toBe('application/x-ndjson');
    expect(contentTypeFor('conn.log', 'jsonl')).toBe('application/x-ndjson');
    expect(contentTypeFor('access.log', 'auto')).toBe('text/plain');
    expect(contentTypeFor('x.csv', 'csv')).toBe('text/plain');
  });

  it('computes whole, bounded percents', () => {
    expect(percent(0, 0)).toBe(0);
    expect(percent(50, 200)).toBe(25);
    expect(percent(300, 200)).toBe(100);
    expect(percent(1, Number.NaN)).toBe(0);
  });

  it('says sizes in words', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(300 * 1024)).toBe('300 KB');
  });

  it('reads the import route\'s progress lines, leaving a partial last line for later', () => {
    expect(readImportLines('')).toEqual({ stored: null, end: null });
    expect(readImportLines('{"stage":"storing","bytes":50,"total":200}\n{"stage":"sto')).toEqual({ stored: 25, end: null });
    expect(readImportLines('{"stage":"storing","bytes":200,"total":200}\n{"result":{"added":2}}\n')).toEqual({ stored: 100, end: { result: { added: 2 } } });
    expect(readImportLines('{"problem":{"code":"import-rejected","status":422}}\n')).toEqual({ stored: null, end: { problem: { code: 'import-rejected', status: 422 } } });
  });
});
