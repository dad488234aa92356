#!/usr/bin/env node
import { createLogger } from '@switchyard/log';
import { runService } from '@switchyard/runtime';
import { parseWorkerProviders, startWorker } from '@switchyard/worker';
import { KEYS_USAGE, runKeysCli } from './keys-cli.js';
import { runAll, startServices } from './run-all.js';
import { isServiceName, SERVICES } from './services.js';

const USAGE = `Usage: switchyard [command]

  all (default)   every service in one process (NATS from NATS_URL, or a local nats-server)
  ingress | policy | cache | router | telemetry | batch
                  one service alone (needs NATS_URL)
  <service> <service> ...
                  several services in one process (needs NATS_URL), e.g. ingress policy cache
                  router; with server.local_dispatch they skip NATS between each other
  worker [--provider <id> ...]
                  provider workers alone (needs NATS_URL); default: every configured provider
  keys | teams <command>
                  manage virtual keys and teams through a running gateway's admin API
                  (SWITCHYARD_URL, SWITCHYARD_MASTER_KEY); switchyard keys --help for more

Environment: SWITCHYARD_CONFIG (YAML file), NATS_URL, REDIS_URL, HOST, PORT, TELEMETRY_PORT,
SWITCHYARD_MASTER_KEY, SWITCHYARD_SIGNING_SECRET, WORKER_PROVIDERS, HEALTH_PORT, LOG_LEVEL.
See docs/configuration.md.
`;

const [command = 'all', ...args] = process.argv.slice(2);

if (command === 'all') {
  const log = createLogger({
    name: 'switchyard',
    level: process.env['LOG_LEVEL'] ?? 'info',
    pretty: Boolean(process.stdout.isTTY),
  });
  runAll(process.env, log, (text) => process.stdout.write(text)).catch((err: unknown) => {
    log.fatal({ err }, 'switchyard failed to start');
    process.exitCode = 1;
  });
} else if (command === 'worker') {
  let providers: string[] | undefined;
  try {
    providers = parseWorkerProviders(args, process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  void runService({ name: 'worker', env: process.env, start: (deps) => startWorker(deps, { providers }) });
} else if (command === 'keys' || command === 'teams') {
  if (args[0] === '--help' || args[0] === 'help') process.stdout.write(KEYS_USAGE);
  else
    void runKeysCli(command, args, process.env, {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    }).then((code) => (process.exitCode = code));
} else if (isServiceName(command) && args.length > 0 && args.every(isServiceName)) {
  const names = [command, ...args];
  void runService({ name: names.join('+'), env: process.env, start: startServices(names) });
} else if (isServiceName(command)) {
  void runService({ name: command, env: process.env, start: SERVICES[command] });
} else {
  process.stdout.write(USAGE);
  process.exitCode = command === '--help' || command === 'help' ? 0 : 2;
}
