import { describe, expect, it } from 'vitest';
import { backoffMs, checkWebhookUrl, signature, verifySignature } from './webhook.ts';

describe('webhook retries', () => {
  it('wait about twice as long after each failure, from half to the whole of the window (jitter), never past the cap', () => {
    const base = 30_000;
    const cap = 3_600_000;
    // The window doubles: 30 s, 60 s, 120 s … and stops at the cap.
    expect([1, 2, 3, 4].map((attempt) => backoffMs(attempt, base, cap, () => 1))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(20, base, cap, () => 1)).toBe(cap);
    // Jitter: the lowest draw waits half the window, the highest the whole; the draw decides in between.
    expect(backoffMs(3, base, cap, () => 0)).toBe(60_000);
    expect(backoffMs(3, base, cap, () => 0.5)).toBe(90_000);
    expect(backoffMs(20, base, cap, () => 0)).toBe(cap / 2);
    // With the real random source, two processes retrying the same receiver spread out.
    const waits = new Set(Array.from({ length: 50 }, () => backoffMs(4, base, cap)));
    expect(waits.size).toBeGreaterThan(1);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(120_000);
      expect(wait).toBeLessThanOrEqual(240_000);
    }
  });
});

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret';
  const body = '{"delivery_id":"d1","event":"object.shared"}';

  it('verify as the documented snippet does: the same secret, timestamp and body, within five minutes', () => {
    const header = signature(secret, 1_762_174_800, body);
    expect(header).toMatch(/^t=1762174800,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, header, body, 1_762_174_800 + 299)).toBe(true);
    expect(verifySignature(secret, header, body, 1_762_174_800 + 301)).toBe(false);
    expect(verifySignature('whsec_other', header, body, 1_762_174_800)).toBe(false);
    expect(verifySignature(secret, header, `${body} `, 1_762_174_800)).toBe(false);
    expect(verifySignature(secret, header.replace('t=1762174800', 't=1762174801'), body, 1_762_174_800)).toBe(false);
    expect(verifySignature(secret, 'v1=abc', body, 1_762_174_800)).toBe(false);
  });

  it('refuse addresses that are not https (but to this machine) or carry a user name', () => {
    expect(checkWebhookUrl('https://soc.example.gov/rampart')).toEqual({ ok: true, value: 'https://soc.example.gov/rampart' });
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook').ok).toBe(true);
    expect(checkWebhookUrl('http://soc.example.gov/hook')).toEqual({ ok: false, error: 'the address must start with https:// (plain http:// only to this machine)' });
    expect(checkWebhookUrl('https://user:pw@soc.example.gov/hook').ok).toBe(false);
    expect(checkWebhookUrl('not an address').ok).toBe(false);
  });
});
