import { describe, expect, it } from 'vitest';
import { toObservation } from './observation.ts';
import { LogRecord } from './record.ts';

describe('toObservation', () => {
  it("puts a line's hashes and file name in one file, and a second hash of one algorithm in another", () => {
    const record = new LogRecord();
    record.reset(1);
    record.add('md5', '0cc175b9c0f1b6a831c399e269772661');
    record.add('ipv4', '203.0.113.80');
    record.add('sha256', 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
    record.add('md5', '0cc175b9c0f1b6a831c399e269772661');
    record.add('md5', '92eb5ffee6ae2fec3ad71c777531578f');
    record.fileName = 'ballot.pdf';
    const files = Object.values(toObservation(record, '2026-11-03T10:00:00.000Z').objects).filter((o) => o.type === 'file');
    expect(files).toEqual([
      { type: 'file', name: 'ballot.pdf', hashes: { MD5: '0cc175b9c0f1b6a831c399e269772661', 'SHA-256': 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb' } },
      { type: 'file', hashes: { MD5: '92eb5ffee6ae2fec3ad71c777531578f' } },
    ]);
  });
});
