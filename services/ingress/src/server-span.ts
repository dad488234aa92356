import type { onRequestHookHandler } from 'fastify';
import { endSpan, startServerSpan } from '@switchyard/bus';
import { GatewayError } from '@switchyard/contracts';

/**
 * One SERVER span per HTTP request, parent of the pipeline's spans: the `traceparent` the routes
 * publish is the span's own (see `startServerSpan`). Without the OpenTelemetry SDK the span is a
 * no-op and the caller's headers are left as they came.
 */
export const serverSpanHook: onRequestHookHandler = (request, reply, done) => {
  const route = request.routeOptions.url;
  const span = startServerSpan(`${request.method}${route === undefined ? '' : ` ${route}`}`, request.headers);
  if (span.isRecording()) {
    span.setAttributes({
      'http.request.method': request.method,
      'url.path': request.url.split('?', 1)[0]!,
      ...(route === undefined ? {} : { 'http.route': route }),
      'switchyard.request_id': request.id,
    });
    reply.raw.once('close', () => {
      const status = reply.raw.statusCode;
      span.setAttribute('http.response.status_code', status);
      // A server error fails the span; a 4xx is the caller's, as the HTTP conventions say.
      endSpan(span, status >= 500 ? new GatewayError('internal', `HTTP ${status}`) : undefined);
    });
  }
  done();
};
