/**
 * Every NATS subject Switchyard uses, in one place. Versioned: within v1 changes are additive.
 *
 * A request enters on an entry subject and flows through the stages in order, each stage
 * forwarding the message with the requester's reply subject kept:
 *   entry → policy → stage.cache → stage.route → stage.provider.<id> → reply frames
 */
export const Ops = {
  chatCompletions: 'chat.completions',
  embeddings: 'embeddings',
  models: 'models',
} as const;
export type Op = (typeof Ops)[keyof typeof Ops];
export const OP_VALUES: readonly Op[] = Object.values(Ops);

export const isOp = (value: string): value is Op => (OP_VALUES as readonly string[]).includes(value);

const V = 'llm.v1';

export const Subjects = {
  /** Public entry: batch jobs publish here; the body is validated by the first stage. */
  entry: (op: Op) => `${V}.${op}`,
  /** Entry for publishers that validated the body already (the ingress); NATS accounts keep clients off it. */
  validatedEntry: (op: Op) => `${V}.validated.${op}`,
  cache: `${V}.stage.cache`,
  route: `${V}.stage.route`,
  provider: (providerId: string) => `${V}.stage.provider.${providerId}`,
  /** Broadcast (no queue group): the request id in the body; every worker aborts its matching call. */
  cancel: `${V}.cancel`,
  /** Stage heartbeats, so a stage can answer 503 at once when the next one is not running. */
  presence: `${V}.presence`,
  presenceQuery: `${V}.presence.query`,
  events: {
    all: `${V}.events.>`,
    requestCompleted: `${V}.events.request.completed`,
    /** The router sent one attempt of a request to a deployment (load and half-open probes). */
    attemptStarted: `${V}.events.attempt.started`,
    /** A worker sent a failed attempt back to the router for another (deployment health). */
    attemptFailed: `${V}.events.attempt.failed`,
    /** A service could not reach a store (Redis) on the request path: `StoreUnavailable`. */
    storeUnavailable: `${V}.events.store.unavailable`,
    /**
     * A request's prompt and answer (`RequestContent`), only for requests stamped `sy-record-content`.
     * Core NATS only, never a stream: telemetry redacts it before anything is written.
     */
    requestContent: `${V}.events.request.content`,
  },
  /**
   * Answers to store in the response cache, published by whoever answered a request stamped with
   * `sy-cache-key`: the cache's queue group writes them; every cache replica also reads them to
   * wake requests coalesced on that key. Body: the chat.completion JSON.
   */
  cacheStore: `${V}.cache.store`,
  /**
   * A request's redacted content, written by telemetry to the `SWITCHYARD_REQUESTS` stream, one
   * subject per request: `<this>.<base64url id>`.
   */
  requestLogContent: `${V}.log.content`,
  /**
   * Durable batches (docs/batch.md). `create`, `get`, `list` and `cancel` are request/reply to the
   * batch service, with the caller's `authorization` header; the rest are its own JetStream plumbing.
   */
  batch: {
    create: `${V}.batch.create`,
    get: `${V}.batch.get`,
    list: `${V}.batch.list`,
    cancel: `${V}.batch.cancel`,
    /** One work item per batch line, in the `SWITCHYARD_BATCH_ITEMS` work-queue stream. */
    items: (batchId: string) => `${V}.batch.items.${batchId}`,
    itemsAll: `${V}.batch.items.>`,
    /** A line's reply subject: the answer frame is kept by the `SWITCHYARD_BATCH_ANSWERS` stream. */
    answer: (batchId: string, line: number) => `${V}.batch.answers.${batchId}.${line}`,
    answersAll: `${V}.batch.answers.>`,
  },
  /** Operator request/reply APIs, answered by the service that holds the data. */
  admin: {
    /** Body: `RequestLogQuery` JSON; reply: `RequestLogPage` JSON or an OpenAI-shaped error. */
    requestsQuery: `${V}.admin.requests.query`,
    /** Body: `{key_id}` or `{team}`; reply: the current period's spend, budget and what remains. */
    spendQuery: `${V}.admin.spend.query`,
    /** Body: `UsageQuery` JSON; reply: `UsagePage` JSON or an OpenAI-shaped error. */
    usageQuery: `${V}.admin.usage.query`,
    /** Virtual keys, answered by policy: create (returns the secret once), list, get, update, revoke. */
    keys: {
      create: `${V}.admin.keys.create`,
      list: `${V}.admin.keys.list`,
      get: `${V}.admin.keys.get`,
      update: `${V}.admin.keys.update`,
      revoke: `${V}.admin.keys.revoke`,
    },
    /** Teams, answered by policy: create, list, get, update, delete. */
    teams: {
      create: `${V}.admin.teams.create`,
      list: `${V}.admin.teams.list`,
      get: `${V}.admin.teams.get`,
      update: `${V}.admin.teams.update`,
      delete: `${V}.admin.teams.delete`,
    },
    /** Body: `{}`; reply: `RoutesView` JSON, the routes in effect. */
    routesList: `${V}.admin.routes.list`,
    /** Body: `{alias, model}` (a `ModelConfig`); reply: the alias's route as stored. */
    routesPut: `${V}.admin.routes.put`,
    /** Body: `{alias}`; reply: the alias's route from the YAML, or none. */
    routesDelete: `${V}.admin.routes.delete`,
    /** Body: `{rules}` (the `router.rules` list); reply: the rules as stored. */
    rulesPut: `${V}.admin.routes.rules.put`,
    /** Body: `{}`; reply: the rules from the YAML. */
    rulesDelete: `${V}.admin.routes.rules.delete`,
    /** Body: `{}`; reply: `{object: "list", data}`, per deployment: cooldown, latency, in flight. */
    routesHealth: `${V}.admin.routes.health`,
    /** Body: `{key?, alias?, namespace?}`; reply: `{purged: <entries removed>}`. */
    cachePurge: `${V}.admin.cache.purge`,
  },
} as const;

/** The JetStream KV bucket holding routes changed at run time, over the YAML's `models`. */
export const ROUTES_BUCKET = 'SWITCHYARD_ROUTES';

/**
 * The JetStream object store bucket holding bodies too large for a NATS message (claim check):
 * a message carries `sy-body-ref: SWITCHYARD_BODIES/<object>` and an empty payload instead.
 */
export const BODY_BUCKET = 'SWITCHYARD_BODIES';

/**
 * The JetStream stream holding recorded request content (`Subjects.requestLogContent`), kept as
 * long as the request log. The request log's records are the events stream's completions.
 */
export const REQUEST_CONTENT_STREAM = 'SWITCHYARD_REQUESTS';

/**
 * The JetStream stream capturing `Subjects.events.requestCompleted` as published, deduplicated by
 * request id: the NATS server keeps the events while telemetry is down, and telemetry's durable
 * consumer replays them when it is back. It is also the request log: a query reads its records
 * from these events.
 */
export const EVENTS_STREAM = 'SWITCHYARD_EVENTS';

/** Batch work items, one per line, removed once handled (work-queue retention). */
export const BATCH_ITEMS_STREAM = 'SWITCHYARD_BATCH_ITEMS';
/** Answers of batch lines as the pipeline sent them, kept so a restarted batch processor finds them. */
export const BATCH_ANSWERS_STREAM = 'SWITCHYARD_BATCH_ANSWERS';
/** JetStream KV bucket of batch records (`Batch` plus owner). */
export const BATCHES_BUCKET = 'switchyard_batches';
/** JetStream KV bucket of batch line results, key `<batch id>.<line>`. */
export const BATCH_RESULTS_BUCKET = 'switchyard_batch_results';
/** JetStream object store of uploaded files and batch output files. */
export const FILES_BUCKET = 'switchyard_files';

/** Queue groups: one per service; workers one per provider so each provider scales alone. */
export const QueueGroups = {
  policy: 'policy',
  cache: 'cache',
  router: 'router',
  worker: (providerId: string) => `worker.${providerId}`,
  telemetry: 'telemetry',
  batch: 'batch',
} as const;

/** Names under which stages announce their presence. */
export const StageNames = {
  policy: 'policy',
  cache: 'cache',
  router: 'router',
  provider: (providerId: string) => `provider.${providerId}`,
} as const;
