import type { Page } from 'playwright-core';

/** A checkbox or radio button whose label wraps, and how far (px) its box's middle sits from the middle of the label's first line. */
export interface Misaligned {
  readonly label: string;
  readonly off: number;
}

/** Runs in the page (a string: the tests' TypeScript has no DOM types); `tol` is the tolerance in px. */
const MEASURE = `(tol) => {
  const misaligned = [];
  let wrapped = 0;
  for (const input of document.querySelectorAll('label input[type=checkbox], label input[type=radio]')) {
    const label = input.closest('label');
    const box = input.getBoundingClientRect();
    if (label === null || box.width <= 2 || box.height <= 2 || getComputedStyle(input).opacity === '0') continue;
    const lines = [];
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      if ((node.textContent ?? '').trim() === '' || node.parentElement?.closest('.sr-only') !== null) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0 && r.height > 0) lines.push(r);
    }
    if (new Set(lines.map((r) => Math.round(r.top))).size < 2) continue;
    wrapped++;
    const first = lines.reduce((a, b) => (b.top < a.top ? b : a));
    const off = box.top + box.height / 2 - (first.top + first.height / 2);
    if (Math.abs(off) > tol) misaligned.push({ label: (label.textContent ?? '').trim().slice(0, 80), off: Math.round(off * 10) / 10 });
  }
  return { wrapped, misaligned };
}`;

/**
 * Every visible checkbox and radio button on the page inside a label whose text takes more than one line, whose box is
 * not beside the first line (its middle more than `tolerance` px from that line's middle): a box centred against a
 * three-line label looks as if it belonged to the second line. Inputs hidden behind a styled label (1 px, transparent) and
 * text for screen readers only are left out.
 */
export async function misalignedChoices(page: Page, tolerance = 3): Promise<{ readonly wrapped: number; readonly misaligned: readonly Misaligned[] }> {
  return page.evaluate<{ wrapped: number; misaligned: Misaligned[] }>(`(${MEASURE})(${tolerance})`);
}
