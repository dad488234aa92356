export { runAll } from './run-all.js';
export { SERVICES, isServiceName, type ServiceName } from './services.js';
export { startLocalNats, natsSearchDirs, NatsServerNotFoundError, type LocalNats } from './local-nats.js';
