import { serveAdmin, type AdminAnswer, type NatsConnection } from '@switchyard/bus';
import { Headers, QueueGroups } from '@switchyard/contracts';
import type { Logger } from '@switchyard/log';
import type { z } from 'zod';

export type Subscription = ReturnType<NatsConnection['subscribe']>;
export type ApiAnswer = AdminAnswer;

export interface ApiEndpoint<S extends z.ZodType> {
  subject: string;
  schema: S;
  /** `authorization` is the caller's header, as sent (the key itself: never logged). */
  handle(input: z.infer<S>, authorization: string | undefined): Promise<ApiAnswer>;
}

/**
 * Answers one batch API subject as admin subjects are answered (JSON in and out, the HTTP status
 * in `sy-status`, errors in OpenAI's shape), but for a caller's key: each sees only its own batches.
 */
export function serveApi<S extends z.ZodType>(
  nc: NatsConnection,
  log: Logger,
  endpoint: ApiEndpoint<S>,
): Subscription {
  return serveAdmin(nc, log, {
    subject: endpoint.subject,
    queue: QueueGroups.batch,
    schema: endpoint.schema,
    handle: (input, headers) => endpoint.handle(input, headers?.get(Headers.authorization) || undefined),
  });
}
