import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIngress, type TestIngress } from '../fixtures/test-ingress.js';

let t: TestIngress;

beforeAll(async () => {
  t = await startTestIngress();
});

afterAll(async () => {
  await t?.stop();
});

/** A GET with the path sent exactly as written: `fetch` would resolve `..` before sending. */
function rawGet(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}${path}`, { path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console at /ui', () => {
  it('serves the page at /ui and /ui/ with a strict content security policy and no caching surprises', async () => {
    for (const path of ['/ui', '/ui/']) {
      const res = await rawGet(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toMatch(/^default-src 'self';/);
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toContain('<script type="module" src="/ui/main.js"></script>');
    }
    const css = await rawGet('/ui/console.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves no file outside its own folders, however the path is spelled', async () => {
    for (const path of [
      '/ui/../package.json',
      '/ui/..%2Fpackage.json',
      '/ui/%2e%2e%2fpackage.json',
      '/ui/package.json',
      '/ui/index.html',
      '/ui/tsconfig.json',
      '/ui/nothing-here.js',
      '/ui/static/console.css',
    ]) {
      const res = await rawGet(path);
      expect(res.status, path).toBe(404);
      expect(JSON.parse(res.body), path).toMatchObject({ error: { type: 'invalid_request_error' } });
    }
  });
});
