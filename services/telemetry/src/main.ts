import { runService } from '@switchyard/runtime';
import { startTelemetry } from './service.js';

await runService({ name: 'telemetry', env: process.env, start: startTelemetry });
