import type { Logger } from '@switchyard/log';

/** What this needs of a zod schema. */
interface EventSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

const decoder = new TextDecoder();

/**
 * An event's JSON checked against its schema; undefined when it is malformed, with a warning when
 * `log` is given: one bad publisher must not take the gateway's telemetry down.
 */
export function parseEvent<T>(
  schema: EventSchema<T>,
  name: string,
  data: Uint8Array,
  log?: Logger,
): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(data));
  } catch {
    log?.warn({ bytes: data.byteLength }, `dropped a ${name} event that is not JSON`);
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  log?.warn(
    { path: issue?.path.map(String).join('.'), issue: issue?.message },
    `dropped a malformed ${name} event`,
  );
  return undefined;
}
