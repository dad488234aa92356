import {
  getHeader,
  publishEvent,
  type MsgHdrs,
  type NatsConnection,
  type Presence,
  type StageOutcome,
} from '@switchyard/bus';
import {
  Headers,
  StageNames,
  Subjects,
  isGatewayError,
  toOpenAIErrorBody,
  type AttemptFailed,
} from '@switchyard/contracts';

/**
 * Decides whether a failed call goes back to the router for another attempt instead of being
 * answered: the stage outcome that forwards it, or undefined to answer the error.
 */
export type Reroute = (err: unknown, headers: MsgHdrs, started: boolean) => StageOutcome;

export interface RerouteDeps {
  nc: NatsConnection;
  presence: Pick<Presence, 'isAlive'>;
}

/** A long upstream message is cut to this in the header that carries it back. */
const MAX_MESSAGE_CHARS = 1_000;

/**
 * A failure before the first frame that another deployment may cure (a retryable one, or a prompt
 * too long for this model's context window) goes back to `stage.route` with the attempt counted,
 * the deployment excluded and the error kept to answer when nothing is left, while the attempt
 * budget the router stamped (`sy-max-attempts`) lasts. A message without that stamp (published
 * straight to the worker) is answered as before. Routers learn the deployment's health from the
 * `attempt.failed` event; the request's completion event comes from whoever answers it last.
 */
export function createReroute({ nc, presence }: RerouteDeps): Reroute {
  return (err, headers, started) => {
    if (started || !isGatewayError(err)) return undefined;
    if (!err.retryable && err.openaiCode !== 'context_length_exceeded') return undefined;
    const attempt = Number(getHeader(headers, Headers.attempt)) || 1;
    const maxAttempts = Number(getHeader(headers, Headers.maxAttempts)) || 1;
    const deadline = Number(getHeader(headers, Headers.deadline));
    if (attempt >= maxAttempts || (deadline > 0 && Date.now() >= deadline)) return undefined;
    if (!presence.isAlive(StageNames.router)) return undefined;

    const deployment = getHeader(headers, Headers.deployment) ?? '';
    const event: AttemptFailed = {
      request_id: getHeader(headers, Headers.requestId) ?? 'unknown',
      provider: getHeader(headers, Headers.provider) ?? err.provider ?? 'unknown',
      deployment,
      status: err.status,
      error_code: err.code,
      attempt,
    };
    const model = getHeader(headers, Headers.routeAlias) ?? getHeader(headers, Headers.model);
    if (model !== undefined) event.model = model;
    if (err.openaiCode !== undefined) event.openai_code = err.openaiCode;
    if (err.retryAfterMs !== undefined) event.retry_after_ms = err.retryAfterMs;
    publishEvent(nc, Subjects.events.attemptFailed, JSON.stringify(event));

    const excluded = getHeader(headers, Headers.excludedDeployments);
    headers.set(Headers.attempt, String(attempt + 1));
    headers.set(
      Headers.excludedDeployments,
      excluded === undefined ? deployment : `${excluded},${deployment}`,
    );
    headers.set(Headers.retryAfterMs, err.retryAfterMs === undefined ? '' : String(err.retryAfterMs));
    headers.set(Headers.lastErrorStatus, String(err.status));
    headers.set(Headers.lastErrorCode, err.code);
    const body = toOpenAIErrorBody(err);
    body.error.message = body.error.message.slice(0, MAX_MESSAGE_CHARS);
    headers.set(Headers.lastErrorBody, JSON.stringify(body));
    return { forward: Subjects.route, stage: StageNames.router };
  };
}
