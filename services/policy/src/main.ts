import { runService } from '@switchyard/runtime';
import { startPolicy } from './service.js';

await runService({ name: 'policy', env: process.env, start: startPolicy });
