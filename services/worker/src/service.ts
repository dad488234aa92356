import { ERRORS, QueueGroups, StageNames, Subjects } from '@switchyard/contracts';
import { completedEvent, publishCompleted, startStage, type Stage } from '@switchyard/bus';
import { createPriceBook } from '@switchyard/pricing';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { createInFlight } from './domain/in-flight.js';
import { selectProviders } from './domain/select-providers.js';
import { createCallProvider } from './handlers/call-provider.js';
import { createDeploymentSlots } from './concurrency/deployment-slots.js';
import { createCancelRequest } from './handlers/cancel-request.js';
import { createReroute } from './handlers/reroute.js';
import { createAdapter } from './providers/registry.js';

export interface WorkerOptions {
  /** Provider ids to serve; default: every provider in the config. */
  providers?: readonly string[] | undefined;
}

/**
 * The worker: one stage per provider (`stage.provider.<id>` in queue group `worker.<id>`), plus
 * one cancel subscription for the whole process (every worker hears every cancel).
 */
export async function startWorker(deps: ServiceDeps, options: WorkerOptions = {}): Promise<RunningService> {
  const { nc, presence, log, config } = deps;
  const providerIds = selectProviders(Object.keys(config.providers), options.providers);
  const inFlight = createInFlight();
  const adapters = new Map(providerIds.map((id) => [id, createAdapter(id, config.providers[id]!)]));
  const prices = createPriceBook(config.pricing);
  const slots = createDeploymentSlots();

  const reroute = createReroute({ nc, presence });
  const cancelRequest = createCancelRequest({ inFlight });
  const cancelSub = nc.subscribe(Subjects.cancel, {
    callback: (err, msg) => {
      if (!err) cancelRequest(msg.string());
    },
  });

  const signingSecret = config.policy.signing_secret;
  if (signingSecret === undefined)
    log.warn(
      'policy.signing_secret is not set: requests are not checked for a policy signature (set SWITCHYARD_SIGNING_SECRET)',
    );
  const stages: Stage[] = await Promise.all(
    providerIds.map((id) =>
      startStage({
        nc,
        presence,
        log,
        name: StageNames.provider(id),
        subjects: [Subjects.provider(id)],
        queue: QueueGroups.worker(id),
        signingSecret,
        // Translated into the provider's request.
        readsBody: true,
        handle: createCallProvider({
          providerId: id,
          adapter: adapters.get(id)!,
          inFlight,
          slots,
          reroute,
          defaultTimeoutMs: config.server.request_timeout_ms,
          priceOf: (model) => prices.priceFor(config.providers[id]!.type, id, model),
          onCancelled: (headers, result) =>
            publishCompleted(
              nc,
              completedEvent(headers, { status: ERRORS.cancelled.http, errorCode: 'cancelled', ...result }),
            ),
        }),
      }),
    ),
  );
  log.info({ providers: providerIds }, 'worker serving providers');

  return {
    async stop() {
      await Promise.all(stages.map((s) => s.stop()));
      cancelSub.unsubscribe();
      // Calls still running after the grace period are ended with an error frame, not dropped.
      inFlight.abortAll('shutdown');
      await Promise.all([...adapters.values()].map((a) => a.close()));
    },
  };
}
