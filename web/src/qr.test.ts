import { describe, expect, it } from 'vitest';
import { qrPath } from './qr.ts';

const URI = 'otpauth://totp/Rampart:clerk%40pine-hollow.example?issuer=Rampart&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30';

/** The dark modules a path draws, as "col,row" without the quiet zone. */
function darkOf(d: string, margin: number): Set<string> {
  return new Set([...d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${Number(m[1]) - margin},${Number(m[2]) - margin}`));
}

describe('qrPath', () => {
  it('draws the three finder patterns where a scanner looks for them, inside the quiet zone', () => {
    const { size, d } = qrPath(URI);
    const modules = size - 8;
    // Version 1 is 21 modules and each version adds 4.
    expect((modules - 21) % 4).toBe(0);
    expect(d).toMatch(/^(M\d+ \d+h1v1h-1z)+$/);
    const dark = darkOf(d, 4);
    const finderAt = (x0: number, y0: number) => {
      for (let y = 0; y < 7; y++) {
        for (let x = 0; x < 7; x++) {
          const ring = x === 0 || y === 0 || x === 6 || y === 6;
          const core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
          expect(dark.has(`${x0 + x},${y0 + y}`), `module ${x0 + x},${y0 + y}`).toBe(ring || core);
        }
      }
    };
    finderAt(0, 0);
    finderAt(modules - 7, 0);
    finderAt(0, modules - 7);
    expect([...dark].every((p) => p.split(',').every((v) => Number(v) >= 0 && Number(v) < modules))).toBe(true);
  });

  it('grows with the text and changes with it', () => {
    expect(qrPath(`${URI}&x=${'a'.repeat(200)}`).size).toBeGreaterThan(qrPath(URI).size);
    expect(qrPath(URI.replace('JBSW', 'KBSW')).d).not.toBe(qrPath(URI).d);
  });
});
