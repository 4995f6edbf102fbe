import { describe, expect, it } from 'vitest';
import { gateOf, writeGate } from './write-gate.ts';

/** A piece of work the test finishes when it chooses. */
function held(): { promise: Promise<string>; finish: (value: string) => void; fail: (error: Error) => void } {
  let finish: (value: string) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const promise = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { promise, finish, fail };
}

describe('write gate', () => {
  it('runs at most `limit` at once, starts the waiting in the order they came, and lets the next in when one fails', async () => {
    const gate = writeGate(2);
    const works = [held(), held(), held(), held()];
    const started: number[] = [];
    const results = works.map((w, i) =>
      gate.run(() => {
        started.push(i);
        return w.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(gate.counts()).toEqual({ open: 2, waiting: 2 });
    works[1]?.fail(new Error('refused'));
    await expect(results[1]).rejects.toThrow('refused');
    await expect.poll(() => started).toEqual([0, 1, 2]);
    works[0]?.finish('a');
    expect(await results[0]).toBe('a');
    await expect.poll(() => started).toEqual([0, 1, 2, 3]);
    works[2]?.finish('c');
    works[3]?.finish('d');
    expect(await Promise.all([results[2], results[3]])).toEqual(['c', 'd']);
    expect(gate.counts()).toEqual({ open: 0, waiting: 0 });
  });

  it('is one gate per database and row', () => {
    const one = {};
    const two = {};
    expect(gateOf(one, 'stix_clock')).toBe(gateOf(one, 'stix_clock'));
    expect(gateOf(one, 'stix_clock')).not.toBe(gateOf(one, 'audit_head'));
    expect(gateOf(one, 'stix_clock')).not.toBe(gateOf(two, 'stix_clock'));
  });
});
