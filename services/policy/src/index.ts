export { startPolicy } from './service.js';
