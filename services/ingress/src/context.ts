import type { ReplyInbox } from '@switchyard/bus';
import type { ServiceDeps } from '@switchyard/runtime';
import type { ConnectionState } from '@switchyard/bus';

/** What the routes share: the service's dependencies plus the process's one reply inbox. */
export interface IngressContext extends ServiceDeps {
  inbox: ReplyInbox;
  connection: ConnectionState;
}
