// The baseline: the least a Node gateway can do, a pass-through proxy on undici's Pool (what the
// Switchyard worker uses upstream too). Anything Switchyard adds beyond this is its own design.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { exitWithParent } from './exit-with-parent.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } },
});
if (!values.upstream) throw new Error('--upstream <url> is required');
const pool = new Pool(values.upstream, { connections: 64 });

// Hop-by-hop headers describe one connection and must not be forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade']);

function forwardable(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>) {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

const server = createServer((req, res) => {
  pool
    .request({
      path: req.url ?? '/',
      method: req.method as 'POST',
      headers: forwardable(req.headers),
      body: req,
    })
    .then((upstream) => {
      res.writeHead(upstream.statusCode, forwardable(upstream.headers));
      upstream.body.pipe(res);
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
});

server.keepAliveTimeout = 120_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ msg: 'baseline listening', url: `http://127.0.0.1:${port}` })}\n`);
});
exitWithParent();
