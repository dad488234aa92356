import { runService } from '@switchyard/runtime';
import { startCache } from './service.js';

await runService({ name: 'cache', env: process.env, start: startCache });
