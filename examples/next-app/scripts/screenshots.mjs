#!/usr/bin/env node
// Screenshots of the example for its README, taken in headless Debian Chromium (playwright-core,
// no browser download): starts the example on free ports, walks through a demo, writes PNGs to
// docs/images/next-app/.
//
//   npm run screenshots -w @oauth-otel/example-next-app
//
// Chromium: $OAUTH_OTEL_CHROMIUM_BIN, else the path recorded by scripts/backends/ensure-chromium.sh
// in $OAUTH_OTEL_CACHE/backends.json, else /usr/bin/chromium.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ensureBuilt, REPO, startExample } from './lib/stack.mjs';

const OUT = join(REPO, 'docs', 'images', 'next-app');

function chromiumPath() {
  if (process.env.OAUTH_OTEL_CHROMIUM_BIN) return process.env.OAUTH_OTEL_CHROMIUM_BIN;
  const json = join(process.env.OAUTH_OTEL_CACHE || join(homedir(), '.cache', 'oauth-otel'), 'backends.json');
  if (existsSync(json)) {
    const p = JSON.parse(readFileSync(json, 'utf8')).chromium;
    if (p) return p;
  }
  return '/usr/bin/chromium';
}

ensureBuilt();
mkdirSync(OUT, { recursive: true });
const example = await startExample({
  appPort: 0,
  asPorts: [0, 0, 0],
  metricsPorts: [0, 0, 0],
  quiet: true,
  // a still page: no background refresh while the screenshots are taken
  appEnv: { SCHEDULED_REFRESH_INTERVAL_SECONDS: '3600', PKCE_CLEANUP_INTERVAL_SECONDS: '3600' },
});
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 })).newPage();
  const app = `${example.appUrl}/`;
  const shot = async (name, o = {}) => {
    await page.screenshot({ path: join(OUT, name), ...o });
    console.log(`docs/images/next-app/${name}`);
  };
  const press = async (testId) => Promise.all([page.waitForEvent('load'), page.locator(`[data-testid="${testId}"]`).first().click()]);
  const signInAtAs = async (user, name) => {
    await page.waitForSelector('#login-form');
    await page.fill('#username', user);
    await page.fill('#password', `${user}-password`);
    if (name) await shot(name);
    await Promise.all([page.waitForEvent('load'), page.click('#login-submit')]);
    if (await page.locator('#consent-form').count()) {
      if (name) await shot(name.replace('login', 'consent'));
      await page.click('#consent-approve');
    }
    await page.waitForURL(app);
  };

  await page.goto(app);
  await shot('01-start.png');
  await press('sign-in-alice');
  await page.locator('[data-testid="connect-main"]').click();
  await signInAtAs('alice', '02-as-login.png');
  await shot('03-connected.png');
  await press('call');
  await press('refresh');
  await shot('04-refreshed.png');
  await press('attack-refresh-replay');
  await shot('05-refresh-token-reuse.png');
  await press('attack-code-injection');
  await shot('06-code-injection.png');
  await press('attack-tampered-state');
  await shot('07-tampered-state.png');
  await page.locator('[data-testid="connect-mixup"]').click();
  await signInAtAs('alice');
  await shot('08-mix-up.png');
  await press('connect-downgrade');
  await shot('09-pkce-downgrade.png');
  await press('sign-in-bob');
  await press('attack-ownership');
  await shot('10-ownership.png');
  await shot('11-full-page.png', { fullPage: true });
} finally {
  await browser.close();
  await example.stop();
}
