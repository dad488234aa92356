export {
  connectBus,
  redactUrl,
  type ConnectBusOptions,
  type BusLogger,
  type NatsConnection,
} from './connect.js';
export { startLocalDispatch, publishOrDeliver, type LocalMessage } from './local-dispatch.js';
export {
  publishEvent,
  subscribeEvent,
  flushEvents,
  type EventSubscription,
  type SubscribeEventOptions,
} from './local-events.js';
export { parseEvent, type EventSchema } from './parse-event.js';
export { createPresence, type Heartbeat, type Presence } from './presence.js';
export {
  startStage,
  getHeader,
  bodyBytesOf,
  type Stage,
  type StageOptions,
  type StageRequest,
  type StageOutcome,
  type StageHandler,
} from './stage.js';
export {
  createReplier,
  completedEvent,
  publishCompleted,
  type Replier,
  type ReplyResult,
  type UsageSummary,
} from './replier.js';
export { decodeFrame, type Frame } from './frame.js';
export { createReplyInbox, type ReplyInbox, type FrameHandler } from './reply-inbox.js';
export { newTraceparent, isValidTraceparent, traceIdOf } from './trace.js';
export { startUpstreamSpan, recordUsage, endUpstreamSpan, startServerSpan, endSpan } from './tracing.js';
export { onShutdownSignal, type ShutdownOptions } from './signals.js';
export { createInbox, type Msg, type MsgHdrs } from '@nats-io/transport-node';
export { natsHeaders } from './headers.js';
export { serveAdmin, callAdmin, type AdminAnswer, type AdminEndpoint, type AdminReply } from './admin.js';
export { createStoreAlarm, type StoreAlarm } from './store-alarm.js';
export {
  signRequest,
  checkRequestSignature,
  unsignedRequestError,
  type SignatureProblem,
} from './request-signature.js';
export { abandonCacheKey, createAnswerCapture, type AnswerCapture } from './answer-capture.js';
export { cutToBytes } from './content-capture.js';
export {
  BODY_MAX_AGE_MS,
  bodyLimitOf,
  bodyOf,
  claimCheckOf,
  useClaimCheck,
  hasBodyRef,
  type ClaimCheck,
} from './claim-check.js';
export { watchConnection, type ConnectionState } from './connection-state.js';
