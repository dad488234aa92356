import { runService } from '@switchyard/runtime';
import { startRouter } from './service.js';

await runService({ name: 'router', env: process.env, start: startRouter });
