import { describe, expect, it } from 'vitest';
import { platformShareWhy, reportIdOf } from './platform-words.ts';

describe('reportIdOf', () => {
  it('takes a report id as typed, or from the address of its page copied from the browser', () => {
    expect(reportIdOf(' report--1b4e28ba-2fa1-4d2b-9c1e-0b8f4c7e2a11 ')).toBe('report--1b4e28ba-2fa1-4d2b-9c1e-0b8f4c7e2a11');
    expect(reportIdOf('https://rampart.example.gov/intel/report--1b4e28ba-2fa1-4d2b-9c1e-0b8f4c7e2a11?reported=1')).toBe('report--1b4e28ba-2fa1-4d2b-9c1e-0b8f4c7e2a11');
    expect(reportIdOf('http://127.0.0.1:8122/intel/report%2D%2D1b4e28ba-2fa1-4d2b-9c1e-0b8f4c7e2a11')).toBe('report--1b4e28ba-2fa1-4d2b-9c1e-0b8f4c7e2a11');
  });
});

describe('platformShareWhy', () => {
  it('says beside "Record and publish" everything still missing, in words, and nothing once it can go', () => {
    expect(platformShareWhy({ platform: '', report: '', url: '', reason: '' })).toBe('Fill in the platform, the report, the address of the post and why you shared it.');
    expect(platformShareWhy({ platform: 'p', report: 'r', url: ' ', reason: 'x' })).toBe('Fill in the address of the post.');
    expect(platformShareWhy({ platform: 'p', report: 'r', url: 'https://x', reason: 'x' })).toBeNull();
  });
});
