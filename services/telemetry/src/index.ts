export { startTelemetry, type TelemetryService } from './service.js';
