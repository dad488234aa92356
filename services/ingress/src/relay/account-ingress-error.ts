import { completedEvent, publishCompleted, type MsgHdrs, type NatsConnection } from '@switchyard/bus';
import type { ErrorCode, GatewayError } from '@switchyard/contracts';

/**
 * Errors only the ingress can give (no stage got the request, or none answered in time): no stage
 * emits their completion event, so the ingress does, once, whichever API the caller used.
 */
const ANSWERED_BY_INGRESS: ReadonlySet<ErrorCode> = new Set(['unavailable', 'timeout']);

export function accountIngressError(nc: NatsConnection, request: MsgHdrs, err: GatewayError): void {
  if (ANSWERED_BY_INGRESS.has(err.code))
    publishCompleted(nc, completedEvent(request, { status: err.status, errorCode: err.code }));
}
