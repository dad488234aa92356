#!/usr/bin/env node
import { createLogger } from '@switchyard/log';
import { runService } from '@switchyard/runtime';
import { runAll } from './run-all.js';
import { isServiceName, SERVICES } from './services.js';

const USAGE = `Usage: switchyard [command]

  all (default)   every service in one process (NATS from NATS_URL, or a local nats-server)
  ingress | policy | cache | router | telemetry
                  one service alone (needs NATS_URL)
  worker [--provider <id> ...]
                  provider workers alone; default: every configured provider

Environment: SWITCHYARD_CONFIG (YAML file), NATS_URL, HOST, PORT, SWITCHYARD_MASTER_KEY, LOG_LEVEL.
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
} else if (isServiceName(command)) {
  if (command === 'worker') process.env['WORKER_PROVIDERS'] ??= providersFrom(args).join(',');
  void runService({ name: command, env: process.env, start: SERVICES[command] });
} else {
  process.stdout.write(USAGE);
  process.exitCode = command === '--help' || command === 'help' ? 0 : 2;
}

function providersFrom(argv: string[]): string[] {
  return argv.flatMap((arg, i) => (arg === '--provider' && argv[i + 1] ? [argv[i + 1]!] : []));
}
