import type { NatsConnection, Presence } from '@switchyard/bus';
import type { SwitchyardConfig } from '@switchyard/config';
import type { Logger } from '@switchyard/log';

/** What every service's `startX(deps)` receives: no service reads the environment itself. */
export interface ServiceDeps {
  nc: NatsConnection;
  presence: Presence;
  log: Logger;
  config: SwitchyardConfig;
}

export interface RunningService {
  /** Stops taking work, finishes in-flight requests (bounded), releases resources. */
  stop(): Promise<void>;
}

export type StartService = (deps: ServiceDeps) => Promise<RunningService>;
