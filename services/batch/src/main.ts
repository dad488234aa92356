import { runService } from '@switchyard/runtime';
import { startBatch } from './service.js';

await runService({ name: 'batch', env: process.env, start: startBatch });
