export { startRouter } from './service.js';
