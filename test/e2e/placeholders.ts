import type { Page } from 'playwright-core';

/**
 * The one-line fields on the page whose example text (placeholder) is wider than the field, so a phone shows it cut
 * off mid-word ("e.g. phishing, 203.0.113.47, example."): each as `"<placeholder>" needs N px, has M`.
 */
export async function cutPlaceholders(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const out = [];
    const context = document.createElement('canvas').getContext('2d');
    for (const field of document.querySelectorAll('main input[placeholder]')) {
      if (field.offsetParent === null || field.placeholder === '') continue;
      const style = getComputedStyle(field);
      context.font = style.font;
      const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const needs = context.measureText(field.placeholder).width;
      if (needs > room + 1) out.push('"' + field.placeholder + '" needs ' + Math.round(needs) + ' px, has ' + Math.round(room));
    }
    return out;
  })()`);
}
