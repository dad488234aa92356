import { randomUUID } from 'node:crypto';
import { newTraceparent, publishOrDeliver } from '@switchyard/bus';
import { FrameKinds, GatewayError, Ops, Subjects, isGatewayError } from '@switchyard/contracts';
import { toBusHeaders } from './bus-headers.js';
import type { IngressContext } from './context.js';
import { accountIngressError } from './relay/account-ingress-error.js';
import { errorOfFrame } from './relay/dialect.js';
import { openExchange } from './relay/exchange.js';

const EMPTY = new Uint8Array(0);

/**
 * Whether policy accepts a key, asked the way every request asks: a `models` request through the
 * pipeline with that key. The ingress never holds keys itself, and this costs one request per
 * check (a WebSocket's connection, a batch call, an admin call with a key other than the master's).
 * Resolves with the refusal, or undefined when the key is accepted.
 */
export async function checkKey(
  ctx: IngressContext,
  authorization: string,
  timeoutMs: number,
): Promise<GatewayError | undefined> {
  const { nc } = ctx;
  if (nc.isClosed())
    return new GatewayError('unavailable', 'The gateway is not connected to its message bus.');
  const requestId = randomUUID();
  const receivedAt = Date.now();
  const deadline = receivedAt + timeoutMs;
  const headers = toBusHeaders({
    requestId,
    op: Ops.models,
    receivedAt,
    deadline,
    authorization,
    traceparent: newTraceparent(),
  });
  const exchange = openExchange({
    inbox: ctx.inbox,
    deadline,
    onAbandon: () => {
      if (!nc.isClosed()) nc.publish(Subjects.cancel, requestId);
    },
  });
  publishOrDeliver(
    nc,
    Subjects.validatedEntry(Ops.models),
    EMPTY,
    { reply: exchange.subject, headers },
    true,
  );
  const first = await exchange.first;
  exchange.close();
  if (isGatewayError(first)) {
    accountIngressError(nc, headers, first);
    return first;
  }
  return first.kind === FrameKinds.error ? errorOfFrame(first) : undefined;
}
