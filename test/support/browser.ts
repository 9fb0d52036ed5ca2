// Real headless Chromium for browser end-to-end tests: Debian's `chromium` package driven by playwright-core
// (`npx playwright install` cannot download browsers on our build machines).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Whether a Chromium binary is installed (suites skip themselves when it is not). */
export const hasChromium = (): boolean => existsSync(CHROMIUM_PATH);

/** Launches headless Chromium, or returns undefined when it is not installed. */
export async function launchChromium(): Promise<Browser | undefined> {
  if (!hasChromium()) return undefined;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}
