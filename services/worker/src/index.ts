export { startWorker, type WorkerOptions } from './service.js';
export { parseWorkerProviders } from './config.js';
