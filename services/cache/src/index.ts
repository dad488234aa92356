export { startCache } from './service.js';
