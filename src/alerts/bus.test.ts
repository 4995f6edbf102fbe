import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { busFromEnv, CHANGES_PER_MESSAGE, inProcessBus, natsBus, parseChange, parseChanges, type Change, type ChangeBus } from './bus.ts';
import { natsReachable, TEST_NATS_URL } from '../../test/helpers/alerts.ts';

const unreachable = await natsReachable();
if (unreachable !== null) console.warn(`SKIPPING the NATS bus tests: ${unreachable} (start nats-server, see .ci/run)`);

function collect(bus: ChangeBus): { readonly heard: Change[]; readonly stop: () => void } {
  const heard: Change[] = [];
  return { heard, stop: bus.subscribe((c) => heard.push(c)) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('parseChange', () => {
  it('reads the two kinds of change and nothing else', () => {
    expect(parseChange('{"kind":"stored","count":3}')).toEqual({ kind: 'stored', count: 3 });
    expect(parseChange('{"kind":"reshared","id":"indicator--7a7a7a7a-0000-4000-8000-000000000001"}')).toEqual({ kind: 'reshared', id: 'indicator--7a7a7a7a-0000-4000-8000-000000000001' });
    for (const bad of ['', 'not json', '{"kind":"stored","count":0}', '{"kind":"deleted","id":"x"}', '{"kind":"stored","count":1,"object":{}}', 'null']) expect(parseChange(bad), bad).toBeNull();
  });
});

describe('parseChanges', () => {
  it('reads one change or a list of them, and nothing from a list holding anything else', () => {
    const one = { kind: 'stored', count: 3 };
    const two = { kind: 'reshared', id: 'indicator--7a7a7a7a-0000-4000-8000-000000000001', owner: 'identity--7a7a7a7a-0000-4000-8000-000000000002', at_us: 7 };
    expect(parseChanges(JSON.stringify(one))).toEqual([one]);
    expect(parseChanges(JSON.stringify([one, two]))).toEqual([one, two]);
    for (const bad of ['[]', JSON.stringify([one, { kind: 'deleted' }]), JSON.stringify(Array.from({ length: CHANGES_PER_MESSAGE + 1 }, () => one)), 'nope']) expect(parseChanges(bad), bad.slice(0, 40)).toEqual([]);
  });
});

describe('in-process bus', () => {
  it('hands each change to every subscriber until it unsubscribes, and keeps going when one throws', async () => {
    const errors: unknown[] = [];
    const bus = inProcessBus((e) => errors.push(e));
    const a = collect(bus);
    const b = collect(bus);
    bus.subscribe(() => {
      throw new Error('a broken listener');
    });
    bus.publish({ kind: 'stored', count: 1 });
    b.stop();
    bus.publish({ kind: 'reshared', id: 'indicator--7a7a7a7a-0000-4000-8000-000000000001' });
    expect(a.heard.map((c) => c.kind)).toEqual(['stored', 'reshared']);
    expect(b.heard.map((c) => c.kind)).toEqual(['stored']);
    expect(errors).toHaveLength(2);
    await bus.close();
    bus.publish({ kind: 'stored', count: 1 });
    expect(a.heard).toHaveLength(2);
  });

  it('is what busFromEnv gives without RAMPART_NATS_URL', async () => {
    const bus = await busFromEnv({});
    const a = collect(bus);
    bus.publish({ kind: 'stored', count: 2 });
    expect(a.heard).toEqual([{ kind: 'stored', count: 2 }]);
    await bus.close();
  });
});

describe.skipIf(unreachable !== null)('NATS bus (a real server)', () => {
  it('carries a change from one connection to another on the same subject, the publisher included, and not to another subject', async () => {
    const subject = `rampart.test.${randomBytes(6).toString('hex')}`;
    const one = await natsBus({ url: TEST_NATS_URL, subject });
    const two = await busFromEnv({ RAMPART_NATS_URL: TEST_NATS_URL, RAMPART_NATS_SUBJECT: subject });
    const other = await natsBus({ url: TEST_NATS_URL, subject: `${subject}.other` });
    try {
      const heardOne = collect(one);
      const heardTwo = collect(two);
      const heardOther = collect(other);
      one.publish({ kind: 'reshared', id: 'indicator--7a7a7a7a-0000-4000-8000-000000000001' });
      two.publish({ kind: 'stored', count: 5 });
      await until(() => heardOne.heard.length === 2 && heardTwo.heard.length === 2, 'both changes on both connections');
      expect(heardTwo.heard).toEqual(expect.arrayContaining([{ kind: 'stored', count: 5 }, { kind: 'reshared', id: 'indicator--7a7a7a7a-0000-4000-8000-000000000001' }]));
      expect(heardOther.heard).toEqual([]);
    } finally {
      await Promise.all([one.close(), two.close(), other.close()]);
    }
  });

  it('carries many changes published at once in a few messages, each heard once and in order', async () => {
    const subject = `rampart.test.${randomBytes(6).toString('hex')}`;
    const one = await natsBus({ url: TEST_NATS_URL, subject });
    const two = await natsBus({ url: TEST_NATS_URL, subject });
    const { connect } = await import('nats');
    const raw = await connect({ servers: TEST_NATS_URL });
    const messages: string[] = [];
    const counting = raw.subscribe(subject);
    void (async () => {
      for await (const m of counting) messages.push(m.string());
    })();
    await raw.flush();
    try {
      const heard = collect(two);
      const changes: Change[] = Array.from({ length: CHANGES_PER_MESSAGE + 100 }, (_, i) => ({ kind: 'reshared', id: `indicator--7a7a7a7a-0000-4000-8000-${String(i).padStart(12, '0')}`, at_us: i + 1 }));
      one.publishAll?.(changes);
      await until(() => heard.heard.length === changes.length, 'every change');
      expect(heard.heard).toEqual(changes);
      expect(messages).toHaveLength(2);
      // One change alone goes as publish sends it: a process of the previous version reads it.
      one.publishAll?.([{ kind: 'stored', count: 1 }]);
      await until(() => messages.length === 3, 'the single change');
      expect(messages[2]).toBe('{"kind":"stored","count":1}');
    } finally {
      await raw.close();
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('ignores what is not a change on its subject, and closes cleanly twice', async () => {
    const subject = `rampart.test.${randomBytes(6).toString('hex')}`;
    const bus = await natsBus({ url: TEST_NATS_URL, subject });
    const { connect } = await import('nats');
    const raw = await connect({ servers: TEST_NATS_URL });
    try {
      const heard = collect(bus);
      raw.publish(subject, '{"kind":"stored","count":1,"object":{"secret":true}}');
      raw.publish(subject, 'garbage');
      raw.publish(subject, '{"kind":"stored","count":1}');
      await raw.flush();
      await until(() => heard.heard.length === 1, 'the one valid change');
      expect(heard.heard).toEqual([{ kind: 'stored', count: 1 }]);
    } finally {
      await raw.close();
      await bus.close();
      await bus.close();
    }
  });

  it('refuses to start when the server is not there', async () => {
    await expect(natsBus({ url: 'nats://127.0.0.1:1' })).rejects.toThrow();
  });
});
