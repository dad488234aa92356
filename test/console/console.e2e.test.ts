import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestLogPage } from '@switchyard/contracts';
import { InMemorySpanExporter, startOtel, type Otel } from '@switchyard/otel';
import { startFakeOpenAI, startNats, type FakeOpenAI, type ServiceHandle } from '@switchyard/testkit';
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../e2e/gateway.js';
import { buildConsole, launchBrowser, ROOT } from './browser.js';

const MASTER = 'sk-master-console-0123456789';
const UPSTREAM_KEY = 'upstream-secret-key';
const ARTEFACTS = join(ROOT, 'test-results', 'console');
const DOC_IMAGES = join(ROOT, 'docs', 'images', 'console');
/** `UPDATE_DOC_SCREENSHOTS=1 npm test` refreshes the docs' pictures; a plain run leaves the tree clean. */
const UPDATE_DOCS = process.env['UPDATE_DOC_SCREENSHOTS'] === '1';
/** Long enough for the telemetry roll-up and one 5 s refresh of the overview. */
const SEEN_WITHIN = { timeout: 15_000 };

let nats: ServiceHandle;
let fake: FakeOpenAI;
let otel: Otel;
let gw: TestGateway;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;

beforeAll(async () => {
  const built = buildConsole();
  // Trace ids come from the SDK, as `main.ts` starts it; spans go to memory.
  otel = startOtel({ serviceName: 'console-e2e', env: {}, exporter: new InMemorySpanExporter() });
  [nats, fake] = await Promise.all([startNats(), startFakeOpenAI({ apiKey: UPSTREAM_KEY })]);
  gw = await startGateway(nats.url, {
    server: { port: 0, request_timeout_ms: 10_000 },
    master_key: MASTER,
    providers: { upstream: { type: 'openai-compatible', base_url: fake.url, api_key: UPSTREAM_KEY } },
    pricing: { 'upstream/*': { input: 0.5, output: 2 } },
    models: {
      metered: { deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }] },
      premium: { strategy: 'least-latency', deployments: [{ provider: 'upstream', model: 'gpt-4o' }] },
    },
  });
  await built;
  browser = await launchBrowser();
  page = await browser.newPage();
  mkdirSync(ARTEFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.dispose();
  await gw?.stop();
  await otel?.stop();
  await Promise.all([fake?.stop(), nats?.stop()]);
});

/** Saves the page as a test artefact (and, when asked, as the docs' picture of it). */
async function screenshot(name: string): Promise<void> {
  const file = join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (UPDATE_DOCS) copyFileSync(file, join(DOC_IMAGES, `${name}.png`));
}

const chat = (key: string, traceId = randomBytes(16).toString('hex')) =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }).chat.completions.create(
    { model: 'metered', messages: [{ role: 'user', content: 'Hello from the console test' }] },
    { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } },
  );

const go = async (link: string, heading: string): Promise<void> => {
  await page.getByRole('navigation', { name: 'Console pages' }).getByRole('link', { name: link }).click();
  await expect.poll(() => page.getByRole('heading', { level: 2, name: heading }).isVisible()).toBe(true);
};

let secret: string;
let traceId: string;

describe('the operator console', () => {
  it('signs in with the master key only, which stays out of the URL', async () => {
    await page.goto(`${gw.url}/ui`);
    const key = page.getByLabel('Master key');
    await key.fill('sk-not-the-master-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Policy's own answer to a key it does not know (the admin API asks it about any other key).
    await expect
      .poll(() => page.locator('#sign-in-error').textContent())
      .toBe(
        'Incorrect API key provided. Use a key configured for this Switchyard gateway, or ask its operator for one.',
      );
    expect(await key.getAttribute('aria-invalid')).toBe('true');
    await screenshot('sign-in');

    await key.fill(MASTER);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
    expect(page.url()).not.toContain(MASTER);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
  });

  it('creates a key whose secret is shown once with a copy button, and the key works', async () => {
    await go('Keys and teams', 'Keys and teams');
    const form = page.locator('form.principal-form').first();
    await form.getByLabel('ID').fill('console-app');
    await form.getByLabel('Allowed models').fill('metered');
    await form.getByLabel('Budget (USD)').fill('5');
    await form.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByLabel('Secret');
    await shown.waitFor();
    secret = await shown.inputValue();
    expect(secret).toMatch(/^sk-sy-/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await page.locator('#keys-table').getByText('console-app').waitFor();
    await screenshot('keys');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByLabel('Secret').count()).toBe(0);

    traceId = randomBytes(16).toString('hex');
    const answer = await chat(secret, traceId);
    expect(answer.choices[0]?.message.content).toBe('Echo: Hello from the console test');
  });

  it('shows that request in the live view, and opens its record with its trace id', async () => {
    await go('Live requests', 'Live requests');
    const row = page.locator('#live-table tbody tr', { hasText: 'console-app' });
    await row.waitFor(SEEN_WITHIN);
    expect(await row.textContent()).toContain('upstream/gpt-4o-mini');
    await row.getByRole('button', { name: /^Open request / }).click();
    const record = page.locator('#request-detail');
    await record.getByText(traceId).waitFor();
    expect(await record.textContent()).toContain('console-app');
    await screenshot('live');
  });

  it('counts that request in the usage charts', async () => {
    await go('Overview', 'Overview');
    const usage = page.locator('[data-chart="usage-by-alias"]');
    await usage.locator('svg', { hasText: 'metered' }).waitFor(SEEN_WITHIN);
    expect(await usage.locator('table').textContent()).toContain('metered1');
    const perMinute = await page
      .locator('[data-chart="requests-per-minute"] table tbody tr')
      .evaluateAll((rows) =>
        rows.map((row) => [...(row as HTMLTableRowElement).cells].slice(1).map((c) => Number(c.textContent))),
      );
    const [requests, errors] = perMinute.reduce(([r, e], [rr = 0, ee = 0]) => [r + rr, e + ee], [0, 0]);
    // The app's request, and the sign-in with a wrong key: policy checked that key and refused it.
    expect({ requests, errors }).toEqual({ requests: 2, errors: 1 });
    await screenshot('overview');
  });

  it('revokes the key, and its next request is refused', async () => {
    await go('Keys and teams', 'Keys and teams');
    await page.getByRole('button', { name: 'Revoke key console-app' }).click();
    await page.getByRole('button', { name: 'Yes, revoke console-app' }).click();
    await page.getByRole('status').getByText('Revoked key console-app.').waitFor();
    await expect.poll(() => page.locator('#keys-table', { hasText: 'console-app' }).count()).toBe(0);
    await expect(chat(secret)).rejects.toMatchObject({ status: 401 });
  });

  it('shows live health, refuses an invalid route with the error in place, and applies a valid one', async () => {
    await go('Routes', 'Routes');
    const health = page.locator('#health-table tbody tr', { hasText: 'metered' });
    await health.waitFor();
    // The request above taught the router this deployment's latency; nothing is in flight now.
    await expect.poll(async () => health.textContent()).toMatch(/upstream\/gpt-4o-minihealthy–\d+ ms/);

    await page.getByRole('button', { name: 'Edit route metered' }).click();
    const json = page.getByLabel('Route (JSON)');
    expect(JSON.parse(await json.inputValue())).toEqual({
      deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }],
    });
    await json.fill(JSON.stringify({ deployments: [{ provider: 'vllm', model: 'llama' }] }));
    await page.getByRole('button', { name: 'Validate and apply' }).click();
    const error = page.locator('#route-error');
    await expect
      .poll(() => error.textContent())
      .toBe('Invalid models.metered.deployments[0].provider: unknown provider "vllm"');
    expect(await json.getAttribute('aria-invalid')).toBe('true');
    await screenshot('routes');
    // Refused means not applied: requests still go where they went.
    const routes = (await (
      await fetch(`${gw.url}/admin/routes`, { headers: { authorization: `Bearer ${MASTER}` } })
    ).json()) as { models: Record<string, unknown> };
    expect(routes.models['metered']).toEqual({
      deployments: [{ provider: 'upstream', model: 'gpt-4o-mini' }],
    });

    await json.fill('{"deployments": [');
    await page.getByRole('button', { name: 'Validate and apply' }).click();
    await expect.poll(() => error.textContent()).toMatch(/^Not valid JSON/);

    await json.fill(
      JSON.stringify({ strategy: 'round-robin', deployments: [{ provider: 'upstream', model: 'gpt-4o' }] }),
    );
    await page.getByRole('button', { name: 'Validate and apply' }).click();
    await page.getByText('Applied the route of metered.').waitFor();
    expect(await error.textContent()).toBe('');
    expect(await page.locator('#aliases-table tr', { hasText: 'metered' }).textContent()).toContain(
      'changed at run time',
    );
  });

  it('works from the keyboard alone, with every field labelled, and signs out', async () => {
    await page.goto(`${gw.url}/ui#overview`);
    await page.getByRole('heading', { level: 2, name: 'Overview' }).waitFor();
    // A page opens with its heading focused; back up with Shift+Tab to the Routes link, follow it
    // with Enter, and land on that page's heading.
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    expect(await focused()).toBe('Overview');
    const path: (string | null | undefined)[] = [];
    while (path.length < 4 && path.at(-1) !== 'Routes') {
      await page.keyboard.press('Shift+Tab');
      path.push(await focused());
    }
    expect(path).toEqual(['Sign out', 'Live requests', 'Routes']);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Routes' }).waitFor();
    expect(await focused()).toBe('Routes');

    for (const [link, heading] of [
      ['Overview', 'Overview'],
      ['Keys and teams', 'Keys and teams'],
      ['Routes', 'Routes'],
      ['Live requests', 'Live requests'],
    ] as const) {
      await go(link, heading);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLInputElement>('input, select, textarea')]
          .filter((el) => el.labels?.length === 0 && !el.hasAttribute('aria-label'))
          .map((el) => el.id),
      );
      expect(unlabelled, heading).toEqual([]);
    }

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Master key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("reads each deployment's health from the admin API the console uses", async () => {
    const res = await fetch(`${gw.url}/admin/route-health`, {
      headers: { authorization: `Bearer ${MASTER}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { data: { alias: string; deployment: string; in_flight: number }[] };
    expect(page.data.map((d) => [d.alias, d.deployment])).toEqual(
      expect.arrayContaining([
        ['metered', 'upstream/gpt-4o'],
        ['premium', 'upstream/gpt-4o'],
      ]),
    );
    expect((await fetch(`${gw.url}/admin/route-health`)).status).toBe(401);
    const log = (await (
      await fetch(`${gw.url}/admin/requests?key_id=console-app`, {
        headers: { authorization: `Bearer ${MASTER}` },
      })
    ).json()) as RequestLogPage;
    // The refused request came with a key no longer known: it is logged without a key id.
    expect(log.data.map((r) => r.status)).toEqual([200]);
  });
});
