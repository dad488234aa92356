import { toOpenAIErrorBody, type GatewayError, type OpenAIErrorBody } from '@switchyard/contracts';

export interface SwitchyardErrorInit {
  /** The HTTP status the same failure gets over HTTP (401, 429, 504, …). */
  status: number;
  /** Switchyard's error code (`unauthenticated`, `rate_limited`, `timeout`, …): see docs/nats-api.md. */
  code: string;
  /** The error as OpenAI's API shapes it: `{error:{message,type,param,code}}`. */
  body: OpenAIErrorBody;
  retryAfterMs?: number | undefined;
  requestId: string;
}

/**
 * A request that failed: refused by the gateway (an `error` frame), or given up by the client (its
 * deadline passed, a frame was lost, the caller cancelled). Check with `isSwitchyardError`.
 */
export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';
  readonly status: number;
  readonly code: string;
  readonly body: OpenAIErrorBody;
  /** When the gateway says retrying later may help, after how long. */
  readonly retryAfterMs: number | undefined;
  /** The request's id, as in the gateway's logs and events. */
  readonly requestId: string;

  constructor(init: SwitchyardErrorInit, options?: { cause?: unknown }) {
    super(init.body.error.message, options);
    this.status = init.status;
    this.code = init.code;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
  }
}

/** Checked by name, not instanceof: errors cross package copies. */
export const isSwitchyardError = (value: unknown): value is SwitchyardError =>
  value instanceof Error && value.name === 'SwitchyardError';

/** A failure the client itself detected, in the shape the gateway would have sent it. */
export const toSwitchyardError = (err: GatewayError, requestId: string): SwitchyardError =>
  new SwitchyardError({
    status: err.status,
    code: err.code,
    body: toOpenAIErrorBody(err),
    retryAfterMs: err.retryAfterMs,
    requestId,
  });
