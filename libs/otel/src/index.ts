export { startOtel, tracesUrlOf, type StartOtelOptions, type Otel, type Env } from './start-otel.js';
/** For tests: collect spans in memory (`startOtel({ …, exporter: new InMemorySpanExporter() })`). */
export { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
