import { runService } from '@switchyard/runtime';
import { startIngress } from './service.js';

await runService({ name: 'ingress', env: process.env, start: startIngress });
