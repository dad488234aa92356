export { startBatch } from './service.js';
