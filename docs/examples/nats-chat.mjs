// Talks to Switchyard over NATS, no HTTP: one plain request, then one streamed request.
// Usage: SWITCHYARD_KEY=sk-... [NATS_URL=nats://127.0.0.1:4222] node docs/examples/nats-chat.mjs
import { connect, createInbox, headers } from '@nats-io/transport-node';

const key = process.env.SWITCHYARD_KEY;
if (!key) {
  console.error('Set SWITCHYARD_KEY to a Switchyard API key (npm start prints one).');
  process.exit(2);
}
const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
const model = process.env.MODEL ?? 'demo';

function requestHeaders() {
  const h = headers();
  h.set('authorization', `Bearer ${key}`);
  return h;
}

// 1. A plain request: one frame comes back.
const body = { model, messages: [{ role: 'user', content: 'Hello over NATS' }] };
const answer = await nc.request('llm.v1.chat.completions', JSON.stringify(body), {
  headers: requestHeaders(),
  timeout: 60_000,
});
console.log(`[${answer.headers?.get('sy-frame')} ${answer.headers?.get('sy-status')}]`);
console.log(JSON.stringify(answer.json(), null, 2));

// 2. A streamed request: chunk frames, then a terminal done or error frame.
const inbox = createInbox();
const sub = nc.subscribe(inbox);
nc.publish('llm.v1.chat.completions', JSON.stringify({ ...body, stream: true }), {
  reply: inbox,
  headers: requestHeaders(),
});
let expected = 0;
for await (const frame of sub) {
  const kind = frame.headers?.get('sy-frame');
  const seq = Number(frame.headers?.get('sy-seq'));
  if (seq !== expected++) throw new Error(`frame ${seq} arrived, expected ${expected - 1}: the reply broke`);
  if (kind === 'chunk') process.stdout.write(frame.json().choices[0]?.delta?.content ?? '');
  else if (kind === 'done') break;
  else throw new Error(`stream failed: ${frame.string()}`);
}
process.stdout.write('\n');
await nc.drain();
