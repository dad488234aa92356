export type { ServiceDeps, RunningService, StartService } from './deps.js';
export { runService, type RunServiceOptions } from './run-service.js';
export { startOpsServer, type OpsServer, type OpsServerOptions } from './ops-server.js';
