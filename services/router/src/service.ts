import {
  flushEvents,
  getHeader,
  parseEvent,
  publishEvent,
  startStage,
  subscribeEvent,
  type EventSchema,
  type StageHandler,
} from '@switchyard/bus';
import {
  AttemptFailed,
  AttemptStarted,
  GatewayError,
  Headers,
  Ops,
  QueueGroups,
  RequestCompleted,
  StageNames,
  Subjects,
  isOp,
  type Op,
} from '@switchyard/contracts';
import { createPriceBook } from '@switchyard/pricing';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { createDeploymentStats } from './domain/deployment-stats.js';
import { createHealth } from './domain/health.js';
import { createRouteSet } from './domain/route-set.js';
import { createListModels } from './handlers/list-models.js';
import { serveRouteAdmin } from './handlers/route-admin.js';
import { serveRouteHealth } from './handlers/route-health.js';
import { createRouteModel } from './handlers/route-model.js';
import { createLearnFromEvents } from './handlers/learn-from-events.js';
import { startRouteStore } from './route-store.js';

/** Attempts whose events never came are forgotten this often. */
const SWEEP_MS = 5_000;

/**
 * The route stage: model alias → deployment → that provider's workers. Health and load come
 * from events every replica hears (no queue group), so all replicas agree on them.
 */
export async function startRouter(deps: ServiceDeps): Promise<RunningService> {
  const { nc, presence, log, config } = deps;
  const createdSec = Math.floor(Date.now() / 1000);
  const { cooldown } = config.router;
  const health = createHealth({
    failures: cooldown.failures,
    windowMs: cooldown.window_ms,
    durationMs: cooldown.duration_ms,
  });
  const stats = createDeploymentStats();
  const prices = createPriceBook(config.pricing);
  // The YAML's routes with the changes stored in KV over them, loaded before the first request.
  const routes = createRouteSet({
    providers: config.providers,
    models: config.models,
    rules: config.router.rules,
    createdSec,
  });
  const store = await startRouteStore({ nc, log, routes, replicas: config.jetstream.replicas });
  const adminSubs = [
    ...serveRouteAdmin({ nc, log, routes, store }),
    serveRouteHealth({ nc, log, health, stats, models: () => routes.current().models }),
  ];

  const learn = createLearnFromEvents({ health, stats });
  /** Every replica hears every event (no queue group): that is how they agree. */
  const listen = <T>(subject: string, schema: EventSchema<T>, handle: (event: T) => void) =>
    subscribeEvent(nc, {
      subject,
      log,
      handle: (data) => {
        const event = parseEvent(schema, subject, data, log);
        if (event !== undefined) handle(event);
      },
    });
  const subs = [
    listen(Subjects.events.attemptStarted, AttemptStarted, learn.attemptStarted),
    listen(Subjects.events.attemptFailed, AttemptFailed, learn.attemptFailed),
    listen(Subjects.events.requestCompleted, RequestCompleted, learn.requestCompleted),
  ];
  const sweeper = setInterval(() => stats.sweep(Date.now()), SWEEP_MS);
  sweeper.unref();

  // One subject carries every op; `sy-op` says which handler answers.
  // Every op that names a model is routed alike: alias → deployment → provider.
  const stopping = new AbortController();
  const routeModel = createRouteModel({
    stopping: stopping.signal,
    routes: routes.current,
    router: config.router,
    health,
    stats,
    providerAlive: (provider) => presence.isAlive(StageNames.provider(provider)),
    priceOf: (c) => {
      const type = config.providers[c.provider]?.type;
      return type === undefined ? undefined : prices.priceFor(type, c.provider, c.upstreamModel);
    },
    publishStarted: (event) => {
      publishEvent(nc, Subjects.events.attemptStarted, JSON.stringify(event));
    },
  });
  const byOp: Record<Op, StageHandler> = {
    [Ops.chatCompletions]: routeModel,
    [Ops.embeddings]: routeModel,
    [Ops.models]: createListModels({ catalog: () => routes.current().catalog }),
  };

  await Promise.all([nc.flush(), flushEvents(nc)]);
  const signingSecret = config.policy.signing_secret;
  if (signingSecret === undefined)
    log.warn(
      'policy.signing_secret is not set: requests are not checked for a policy signature (set SWITCHYARD_SIGNING_SECRET)',
    );
  const stage = await startStage({
    nc,
    presence,
    log,
    name: StageNames.router,
    queue: QueueGroups.router,
    subjects: [Subjects.route],
    signingSecret,
    handle: (req) => {
      const op = getHeader(req.headers, Headers.op) ?? '';
      if (!isOp(op)) throw new GatewayError('invalid_request', `Unsupported operation '${op}'.`);
      return byOp[op](req);
    },
  });

  return {
    async stop() {
      stopping.abort();
      await stage.stop();
      clearInterval(sweeper);
      for (const sub of [...subs, ...adminSubs]) sub.unsubscribe();
      await store.stop();
    },
  };
}
