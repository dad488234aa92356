import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginCallback, FastifyReply } from 'fastify';

/**
 * The console package, found from this file: `src/routes` and `dist/routes` sit at the same depth,
 * and the repository and the Docker image lay out `services/` and `apps/` alike.
 */
const CONSOLE_DIR = fileURLToPath(new URL('../../../../apps/console/', import.meta.url));

/** Where each kind of asset lives: the page and its style as written, the scripts as compiled. */
const ASSETS = {
  css: { dir: 'static', type: 'text/css; charset=utf-8' },
  js: { dir: 'dist', type: 'text/javascript; charset=utf-8' },
} as const;

/** A flat file name: no slash, no dot segment, so no path can leave the console's folders. */
const ASSET_NAME = /^[a-z0-9-]+\.(css|js)$/;

/**
 * The page runs only what it was served from this origin: its own scripts and style, calls to the
 * admin API here. No inline script, no framing, no referrer leaking the console's address.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // Files are not fingerprinted: revalidate each time, so a new build shows at once.
  'cache-control': 'no-cache',
} as const;

async function sendFile(reply: FastifyReply, path: string, type: string): Promise<FastifyReply> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    reply.callNotFound();
    return reply;
  }
  return reply.headers(SECURITY_HEADERS).type(type).send(body);
}

/**
 * The operator console at `/ui`: static files only. It holds no privilege: the browser calls the
 * admin API with the master key the operator typed in.
 */
export const consoleRoutes: FastifyPluginCallback = (app, _options, done) => {
  const index = (_request: unknown, reply: FastifyReply) =>
    sendFile(reply, join(CONSOLE_DIR, 'static', 'index.html'), 'text/html; charset=utf-8');
  app.get('/ui', index);
  app.get('/ui/', index);
  app.get<{ Params: { file: string } }>('/ui/:file', (request, reply) => {
    const match = ASSET_NAME.exec(request.params.file);
    if (match === null) {
      reply.callNotFound();
      return reply;
    }
    const asset = ASSETS[match[1] as keyof typeof ASSETS];
    return sendFile(reply, join(CONSOLE_DIR, asset.dir, request.params.file), asset.type);
  });
  done();
};
