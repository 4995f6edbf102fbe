import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseItem, readBundle, type BundleItem, type ReadOptions } from './bundle-reader.ts';

// eslint-disable-next-line @typescript-eslint/require-await -- an async source, as a stream would be
async function* chunks(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  let at = 0;
  let k = 0;
  while (at < bytes.length) {
    const size = Math.max(1, sizes.length === 0 ? bytes.length : (sizes[k++ % sizes.length] ?? 1));
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function read(text: string | Buffer, sizes: readonly number[] = [], options: ReadOptions = {}): Promise<BundleItem[]> {
  const all: BundleItem[] = [];
  for await (const batch of readBundle(chunks(Buffer.isBuffer(text) ? text : Buffer.from(text), sizes), options)) all.push(...batch);
  return all;
}

const texts = (items: BundleItem[]) => items.map((i) => (i.kind === 'object' ? i.text : `${i.kind}:${i.code}`));

describe('readBundle', () => {
  it('yields the exact text of each element, across any chunk boundary', async () => {
    const objects = ['{"type":"x-a","id":"a","s":"quote \\" brace } bracket ] \\\\"}', '{ "type" : "x-b", "n": [1, {"k": "é😀"}] }'];
    const doc = `\uFEFF{ "type": "bundle", "id": "bundle--1", "objects": [\n  ${objects.join(',\n  ')}\n] }\n`;
    for (const size of [1, 2, 3, 5, 7, 1024]) {
      expect(texts(await read(doc, [size]))).toEqual(objects);
    }
  });

  it('keeps every element byte-for-byte for random JSON, pretty or compact, in random chunks', async () => {
    const element = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(fc.array(element, { maxLength: 6 }), fc.boolean(), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }), async (objs, pretty, sizes) => {
        const parts = objs.map((o) => JSON.stringify(o, null, pretty ? 2 : undefined));
        const doc = `{"more":false,"objects":[${parts.join(pretty ? ',\n ' : ',')}],"next":"x"}`;
        const items = await read(doc, sizes);
        expect(texts(items)).toEqual(parts);
        items.forEach((item) => item.kind === 'object' && expect(parseItem(item)).toEqual({ ok: true, value: JSON.parse(item.text) as unknown }));
      }),
      { numRuns: 150 },
    );
  });

  it('reads a file holding one STIX object as that object', async () => {
    const doc = '{"type":"campaign","id":"campaign--1","objects":{"0":{}}}';
    expect(await read(doc, [4])).toMatchObject([{ kind: 'object', path: '$', text: doc }]);
  });

  it('accepts an empty bundle', async () => {
    expect(await read('{"type":"bundle","id":"bundle--x"}')).toEqual([]);
    expect(await read('{"objects":[]}')).toEqual([]);
  });

  it.each([
    ['', 'empty-input'],
    ['  \n ', 'empty-input'],
    ['[{"type":"indicator"}]', 'not-a-bundle'],
    ['{"hello":"world"}', 'not-a-bundle'],
    ['{"type":"report","objects":[]}', 'not-a-bundle'],
    ['\u0000\u0001garbage', 'malformed-json'],
    ['{"objects":[{"a":1}', 'malformed-json'],
    ['{"objects":[{"a":"unterminated}]}', 'malformed-json'],
    ['{"objects":[{"a":1} {"b":2}]}', 'malformed-json'],
    ['{"objects":[{"a":1},]}', 'malformed-json'],
    ['{"objects":[]} trailing', 'malformed-json'],
    ['{"type":"bundle" "objects":[]}', 'malformed-json'],
    ['{"more":tru,"objects":[]}', 'malformed-json'],
    ['{"type":"bundle","spec_version":"2.0","objects":[]}', 'wrong-spec-version'],
  ])('rejects %j with %s', async (doc, code) => {
    const items = await read(doc);
    expect(items.at(-1)).toMatchObject({ kind: 'fatal', code });
  });

  it('names the byte offset, line and column of a structural error', async () => {
    const items = await read('{\n  "objects": [\n    {"a": 1}\n    {"b": 2}\n  ]\n}', [3]);
    expect(items.at(-1)).toMatchObject({ kind: 'fatal', code: 'malformed-json', at: { offset: 34, line: 4, column: 5 } });
  });

  it('skips an oversized element without buffering it, and goes on', async () => {
    const big = `{"type":"x-big","pad":"${'a'.repeat(5000)}"}`;
    const items = await read(`{"objects":[{"a":1},${big},{"b":2}]}`, [100], { limits: { maxObjectBytes: 1000 } });
    expect(items.map((i) => [i.kind, 'index' in i ? i.index : null, 'code' in i ? i.code : null])).toEqual([
      ['object', 0, null],
      ['skipped', 1, 'object-too-large'],
      ['object', 2, null],
    ]);
  });

  it('skips an element nested deeper than the limit', async () => {
    const deep = `{"a":${'['.repeat(100)}${']'.repeat(100)}}`;
    const items = await read(`{"objects":[${deep},{"b":2}]}`, [7]);
    expect(items.map((i) => ('code' in i ? i.code : i.kind))).toEqual(['too-deeply-nested', 'object']);
  });

  it('flags invalid UTF-8 inside an element', async () => {
    const doc = Buffer.concat([Buffer.from('{"objects":[{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]);
    expect(await read(doc)).toMatchObject([{ kind: 'skipped', code: 'invalid-utf8', path: '$.objects[0]' }]);
  });

  it('reports a JSON syntax error inside an element with its position in the document', async () => {
    const items = await read('{"objects":[\n{"id":"indicator--1",\n "a": tru}]}');
    const item = items[0];
    if (item?.kind !== 'object') throw new Error('expected an object item');
    const parsed = parseItem(item);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toMatchObject({ id: 'indicator--1', path: '$.objects[0]', code: 'malformed-json' });
      expect(parsed.error.message).toMatch(/line 3, column 7/);
    }
  });
});
