import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { Headers, Ops, isGatewayError, type RequestCompleted } from '@switchyard/contracts';
import type { MsgHdrs } from '@nats-io/transport-node';

/**
 * Spans of the pipeline, through `@opentelemetry/api` only. Until a process starts the SDK
 * (`@switchyard/otel`), the API hands out its no-op tracer and propagator: a span costs an object
 * and the headers go through untouched.
 */
const tracer = trace.getTracer('@switchyard/bus');

const getter: TextMapGetter<MsgHdrs> = {
  keys: (h) => h.keys(),
  get: (h, key) => {
    const v = h.get(key);
    return v === '' ? undefined : v;
  },
};
const setter: TextMapSetter<MsgHdrs> = { set: (h, key, value) => h.set(key, value) };

/** OpenTelemetry GenAI `gen_ai.operation.name` of our ops. */
const GEN_AI_OPERATION: Readonly<Record<string, string>> = {
  [Ops.chatCompletions]: 'chat',
  [Ops.embeddings]: 'embeddings',
};

const header = (h: MsgHdrs, name: string): string | undefined => {
  const v = h.get(name);
  return v === '' ? undefined : v;
};

/** What the headers tell about a request, as span attributes (GenAI conventions where they exist). */
function requestAttributes(h: MsgHdrs): Attributes {
  const attributes: Attributes = {};
  const put = (key: string, value: string | undefined): void => {
    if (value !== undefined) attributes[key] = value;
  };
  const op = header(h, Headers.op);
  put('gen_ai.operation.name', op === undefined ? undefined : (GEN_AI_OPERATION[op] ?? op));
  put('gen_ai.request.model', header(h, Headers.model));
  const provider = header(h, Headers.provider);
  put('gen_ai.provider.name', provider);
  put('gen_ai.system', provider);
  put('switchyard.request_id', header(h, Headers.requestId));
  put('switchyard.key_id', header(h, Headers.keyId));
  put('switchyard.team', header(h, Headers.team));
  put('switchyard.deployment', header(h, Headers.deployment));
  put('switchyard.upstream_model', header(h, Headers.upstreamModel));
  put('switchyard.attempt', header(h, Headers.attempt));
  return attributes;
}

export interface StageSpan {
  span: Span;
  /** The context to run the handler in, so spans it starts are children of this one. */
  context: Context;
}

/**
 * A CONSUMER span for one message of a stage (`<stage> <subject>`), child of the span named by
 * the message's `traceparent`.
 */
export function startStageSpan(stage: string, subject: string, headers: MsgHdrs): StageSpan {
  const parent = propagation.extract(ROOT_CONTEXT, headers, getter);
  const span = tracer.startSpan(`${stage} ${subject}`, { kind: SpanKind.CONSUMER }, parent);
  // Reading the headers only pays when the span is recorded: never without the SDK.
  if (span.isRecording()) {
    span.setAttributes({
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': subject,
      ...requestAttributes(headers),
    });
  }
  return { span, context: trace.setSpan(parent, span) };
}

/** Writes the span's context into the headers, so the next stage's span is its child. */
export function injectSpan(stageSpan: StageSpan, headers: MsgHdrs): void {
  if (!stageSpan.span.isRecording()) return;
  // What the handler learnt on the way (policy stamps the key, the router the deployment).
  stageSpan.span.setAttributes(requestAttributes(headers));
  propagation.inject(stageSpan.context, headers, setter);
}

/** Ends a span; an error marks it failed with its gateway code. */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined && span.isRecording()) {
    const code = isGatewayError(err) ? err.code : 'internal';
    span.setAttribute('error.type', code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : code });
  }
  span.end();
}

/**
 * A CLIENT span for a provider's upstream call (`chat gpt-4o-mini`), child of the active span
 * (the worker's stage span). End it with `endUpstreamSpan`.
 */
export function startUpstreamSpan(headers: MsgHdrs, upstreamModel: string): Span {
  const op = header(headers, Headers.op) ?? Ops.chatCompletions;
  const operation = GEN_AI_OPERATION[op] ?? op;
  const span = tracer.startSpan(`${operation} ${upstreamModel}`, { kind: SpanKind.CLIENT }, context.active());
  if (span.isRecording())
    span.setAttributes({ ...requestAttributes(headers), 'gen_ai.request.model': upstreamModel });
  return span;
}

/** Records the usage the provider reported on the upstream span. */
export function recordUsage<T extends { usage?: RequestCompleted['usage'] } | undefined>(
  span: Span | undefined,
  result: T,
): T {
  const usage = result?.usage;
  if (span?.isRecording() && usage !== undefined) {
    span.setAttributes({
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
      ...(usage.cached_tokens === undefined
        ? {}
        : { 'gen_ai.usage.cache_read.input_tokens': usage.cached_tokens }),
    });
  }
  return result;
}

/** Ends an upstream span (when one was started), failed when the call threw. */
export const endUpstreamSpan = (span: Span | undefined, err?: unknown): void => {
  if (span !== undefined) endSpan(span, err);
};

type HttpHeaders = Record<string, string | string[] | undefined>;
const httpGetter: TextMapGetter<HttpHeaders> = {
  keys: (h) => Object.keys(h),
  get: (h, key) => h[key],
};

/**
 * A SERVER span for one HTTP request (`POST /v1/chat/completions`), child of the caller's
 * `traceparent`. When it is recorded, its context replaces the caller's in `headers`, so the trace
 * the request carries onto the bus, and every stage span, descends from it. End it with `endSpan`.
 */
export function startServerSpan(name: string, headers: HttpHeaders): Span {
  const parent = propagation.extract(ROOT_CONTEXT, headers, httpGetter);
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
  if (span.isRecording()) {
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(parent, span), carrier);
    headers['traceparent'] = carrier['traceparent'];
    headers['tracestate'] = carrier['tracestate'];
  }
  return span;
}

/** Runs `fn` with the stage span active. */
export const withStageSpan = <T>(stageSpan: StageSpan, fn: () => T): T => context.with(stageSpan.context, fn);
