import type { BusLogger } from './connect.js';

/** What this needs of a zod schema. */
export interface EventSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

const decoder = new TextDecoder();

/**
 * The last event read from each buffer. With local dispatch, every subscriber of this process is
 * handed the same bytes (policy, router and telemetry each take every completion), so the JSON
 * is parsed and checked once, not once per subscriber. The event is shared: read it, never change it.
 */
const parsed = new WeakMap<Uint8Array, { schema: unknown; event: unknown }>();

/**
 * An event's JSON checked against its schema; undefined when it is malformed, with a warning when
 * `log` is given: one bad publisher must not take a service's event handling down.
 */
export function parseEvent<T>(
  schema: EventSchema<T>,
  name: string,
  data: Uint8Array,
  log?: BusLogger,
): Readonly<T> | undefined {
  const seen = parsed.get(data);
  if (seen !== undefined && seen.schema === schema) return seen.event as T | undefined;
  const event = check(schema, name, data, log);
  parsed.set(data, { schema, event });
  return event;
}

function check<T>(schema: EventSchema<T>, name: string, data: Uint8Array, log?: BusLogger): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    log?.warn({ bytes: data.byteLength }, `dropped a ${name} event that is not JSON`);
    return undefined;
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  log?.warn(
    { path: issue?.path.map(String).join('.'), issue: issue?.message },
    `dropped a malformed ${name} event`,
  );
  return undefined;
}
