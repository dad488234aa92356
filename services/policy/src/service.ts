import { flushEvents, serveAdmin, startStage, type StageOutcome, type StageRequest } from '@switchyard/bus';
import { Headers, OP_VALUES, QueueGroups, StageNames, Subjects, type Op } from '@switchyard/contracts';
import type { RunningService, ServiceDeps } from '@switchyard/runtime';
import { startAdmission } from './admission/admission.js';
import { createAuthorize } from './handlers/authorize.js';
import { createReconcile, serveReconcile } from './handlers/reconcile.js';
import { createValidateEntry } from './handlers/validate-entry.js';
import { serveKeyAdmin } from './keys/key-admin.js';
import { startKeyDirectory } from './keys/key-directory.js';
import { directoryBudgets } from './spend/directory-budgets.js';
import { spendQueryEndpoint } from './spend/spend-query.js';

type EntryHandler = (req: StageRequest, op: Op) => Promise<StageOutcome>;
type EntryPreparer = (req: StageRequest, op: Op) => void;

/** The first stage: every request enters here, from the ingress or straight from a batch job. */
export async function startPolicy(deps: ServiceDeps): Promise<RunningService> {
  const { nc, presence, log, config } = deps;
  if (config.master_key === undefined && config.keys.length === 0) {
    log.warn(
      'no master_key and no keys are configured: only keys created on the NATS admin subjects will be accepted',
    );
  }
  const validate = createValidateEntry(deps);
  const keys = await startKeyDirectory(deps);
  const admission = await startAdmission(deps);
  const authorize = createAuthorize({ keys, admission, signingSecret: config.policy.signing_secret });
  const admin = serveKeyAdmin(nc, log, keys);
  // Off the request path: completion events settle reservations, slots and spend.
  const settled = serveReconcile(
    nc,
    log,
    createReconcile({ store: admission.store, alarm: admission.alarm, log }),
  );
  await flushEvents(nc);
  const spendQuery = serveAdmin(
    nc,
    log,
    spendQueryEndpoint({ store: admission.store, budgetOf: directoryBudgets(keys) }),
  );

  // Whoever answers publishes the prompt and answer for the request log (redacted there).
  const requestLog = config.telemetry.request_log;
  const recordContent =
    requestLog.enabled && requestLog.record_content ? String(requestLog.max_content_bytes) : undefined;

  const consume = (subjectOf: (op: Op) => string, handle: EntryHandler, prepare?: EntryPreparer) => {
    const opOf = new Map(OP_VALUES.map((op) => [subjectOf(op), op] as const));
    return startStage({
      nc,
      presence,
      log,
      name: StageNames.policy,
      queue: QueueGroups.policy,
      subjects: [...opOf.keys()],
      // The public entry validates every body, so it needs it at once; the validated entry reads
      // it only for a tokens-per-minute estimate, and fetches a claim-checked one then (admission).
      readsBody: prepare !== undefined,
      signs: config.policy.signing_secret !== undefined,
      ...(prepare && { prepare: (req: StageRequest) => prepare(req, opOf.get(req.subject)!) }),
      handle: (req) => {
        if (recordContent !== undefined) req.headers.set(Headers.recordContent, recordContent);
        return handle(req, opOf.get(req.subject)!);
      },
    });
  };

  const stages = await Promise.all([
    // Batch jobs publish here: nothing the caller sent is trusted until `validate` has run,
    // which it does before the stage helper even reads the deadline.
    consume(Subjects.entry, authorize, validate),
    // The ingress validated the body and computed the headers already.
    consume(Subjects.validatedEntry, authorize),
  ]);

  return {
    async stop() {
      await Promise.all([...admin, spendQuery].map((sub) => sub.drain().catch(() => undefined)));
      await Promise.all(stages.map((s) => s.stop()));
      await settled.drain().catch(() => undefined);
      await admission.stop();
      await keys.stop();
    },
  };
}
