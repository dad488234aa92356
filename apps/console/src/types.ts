/** The fields of the admin API's answers that the console reads (docs/observability.md, keys-and-limits.md, routing.md). */

export interface RequestRecord {
  request_id: string;
  op: string;
  model?: string;
  key_id?: string;
  team?: string;
  provider?: string;
  deployment?: string;
  upstream_model?: string;
  stream: boolean;
  status: number;
  error_code?: string;
  received_at: number;
  duration_ms: number;
  ttft_ms?: number;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number; cached_tokens?: number };
  cost_usd?: number;
  attempts?: number;
  cache?: 'hit' | 'miss' | 'bypass';
  saved_usd?: number;
  trace_id?: string;
}

export interface List<T> {
  object: 'list';
  data: T[];
  has_more?: boolean;
}

export interface UsageRow {
  day: string;
  key_id?: string | null;
  team?: string | null;
  model?: string | null;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  cache_hits: number;
  saved_usd: number;
}

export interface Limits {
  rpm?: number;
  tpm?: number;
  max_concurrency?: number;
}

export interface Budget {
  max_usd: number;
  period: 'daily' | 'monthly' | 'total';
}

/** A key or a team as the admin API shows it; `team` and `expires_at` are keys' only. */
export interface Principal {
  object: 'key' | 'team';
  id: string;
  team?: string;
  models?: string[];
  limits?: Limits;
  budget?: Budget;
  expires_at?: string;
  source: 'config' | 'api';
}

export interface CreatedKey extends Principal {
  /** The secret: in the creation's answer only. */
  key: string;
}

export interface SpendReport {
  period: string;
  spend_usd: number;
  budget_usd: number | null;
  remaining_usd: number | null;
}

export interface Deployment {
  provider: string;
  model?: string;
  id?: string;
  weight?: number;
  priority?: number;
}

export interface ModelRoute {
  strategy?: string;
  deployments: Deployment[];
  fallbacks?: string[];
  [field: string]: unknown;
}

export interface RoutesView {
  models: Record<string, ModelRoute>;
  rules: unknown[];
  changed: { models: string[]; rules: boolean };
}

export interface DeploymentHealth {
  alias: string;
  deployment: string;
  provider: string;
  availability: 'healthy' | 'cooling' | 'probe' | 'probing';
  cooling_until: number | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  in_flight: number;
}
