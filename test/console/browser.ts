import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';

export const ROOT = join(import.meta.dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';

/**
 * Compiles the console, so the browser test runs on a fresh checkout without `npm run build`
 * (a build that is up to date costs a second).
 */
export async function buildConsole(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'apps/console'],
    {
      cwd: ROOT,
    },
  );
}

/**
 * Debian's Chromium, headless, with a fresh profile and nothing that reaches the internet. Never
 * skipped: a missing browser fails the test and says how to install it.
 */
export async function launchBrowser(): Promise<BrowserContext & { dispose(): Promise<void> }> {
  if (!existsSync(CHROMIUM))
    throw new Error(`The console's browser tests need Chromium at ${CHROMIUM}: apt-get install chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'switchyard-console-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  return Object.assign(context, {
    async dispose() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  });
}
