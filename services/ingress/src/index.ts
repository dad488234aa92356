export { startIngress, type RunningIngress, type IngressOptions } from './service.js';
export { buildApp } from './app.js';
