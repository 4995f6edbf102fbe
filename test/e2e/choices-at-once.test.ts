import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from './browser.ts';
import { startRealApp } from './real-app.ts';
import { signIn } from './ui-flow.ts';

const skipReason = hasChromium() ? null : `${CHROMIUM} is absent: install Debian's chromium to run the browser test`;

describe.skipIf(skipReason !== null)('a choice saved at once shows at once (Chromium)', () => {
  it('my email choice stays chosen while the hub saves it, and after', async () => {
    const app = await startRealApp();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await signIn(page, app, app.county);
      await page.goto(`${app.baseUrl}/settings/alerts`);
      const digest = page.locator('input[name=email-mode][value=digest]');
      await digest.waitFor();
      // The hub's answer is held: the radio button must not snap back to the old choice meanwhile.
      let answer: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        answer = resolve;
      });
      await page.route('**/api/v1/me/notification-settings', async (route) => {
        if (route.request().method() === 'PUT') await held;
        await route.continue();
      });
      await digest.click();
      expect(await digest.isChecked()).toBe(true);
      answer();
      await page.locator('#my-email [role=status]').getByText('Saved.').waitFor();
      await page.unroute('**/api/v1/me/notification-settings');
      expect(await digest.isChecked()).toBe(true);
      await page.reload();
      await page.locator('input[name=email-mode][value=digest]:checked').waitFor();
    } finally {
      await browser.close();
      await app.close();
    }
  }, 180_000);
});
