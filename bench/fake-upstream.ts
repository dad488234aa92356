// The OpenAI-compatible upstream every target ends at. It must cost next to nothing per request,
// so that what the bench sees is the proxies in front of it: answers are prebuilt buffers and the
// request body is only scanned for `"stream":true`, never parsed.
import { createServer, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { exitWithParent } from './exit-with-parent.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'delay-ms': { type: 'string', default: '0' },
    chunks: { type: 'string', default: '10' },
    'chunk-delay-ms': { type: 'string', default: '0' },
  },
});
const delayMs = Number(values['delay-ms']);
const chunkCount = Number(values.chunks);
const chunkDelayMs = Number(values['chunk-delay-ms']);

const CREATED = Math.floor(Date.now() / 1000);
const USAGE = { prompt_tokens: 12, completion_tokens: chunkCount, total_tokens: 12 + chunkCount };
const words = Array.from({ length: chunkCount }, (_, i) => `word${i} `);

const completion = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: CREATED,
    model: 'bench-model',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: words.join('') },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
    usage: USAGE,
  }),
);

const chunk = (delta: object, finish: string | null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'bench-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;
// The first chunk already carries a word, so "first content" is the first chunk on the wire.
const streamChunks = words.map((word, i) =>
  chunk(i === 0 ? { role: 'assistant', content: word } : { content: word }, null),
);
const streamEnd = chunk({}, 'stop');
const usageChunk = `data: ${JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created: CREATED,
  model: 'bench-model',
  choices: [],
  usage: USAGE,
})}\n\n`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (part: string) => (body += part));
  req.on('end', () => {
    const answer = body.includes('"stream":true')
      ? stream(res, body.includes('"include_usage":true'))
      : json(res);
    answer.catch(() => res.destroy());
  });
});

async function json(res: ServerResponse): Promise<void> {
  if (delayMs > 0) await sleep(delayMs);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': completion.length });
  res.end(completion);
}

async function stream(res: ServerResponse, withUsage: boolean): Promise<void> {
  if (delayMs > 0) await sleep(delayMs);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const part of streamChunks) {
    res.write(part);
    if (chunkDelayMs > 0) await sleep(chunkDelayMs);
  }
  res.write(streamEnd);
  if (withUsage) res.write(usageChunk);
  res.end('data: [DONE]\n\n');
}

// Load generators keep connections open for a whole run.
server.keepAliveTimeout = 120_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ msg: 'upstream listening', url: `http://127.0.0.1:${port}` })}\n`);
});
exitWithParent();
