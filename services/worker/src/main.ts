import { runService } from '@switchyard/runtime';
import { parseWorkerProviders } from './config.js';
import { startWorker } from './service.js';

let providers: string[] | undefined;
try {
  providers = parseWorkerProviders(process.argv.slice(2), process.env);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
await runService({ name: 'worker', env: process.env, start: (deps) => startWorker(deps, { providers }) });
