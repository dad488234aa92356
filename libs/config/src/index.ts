export { loadConfig, parseConfig, ConfigError, type Env } from './load.js';
export { interpolate } from './interpolate.js';
export { PROVIDERS_FROM_ENV } from './defaults.js';
export {
  SwitchyardConfig,
  ProviderConfig,
  ModelConfig,
  DeploymentConfig,
  deploymentIdOf,
  RoutingStrategy,
  ModelPriceConfig,
  JetStreamConfig,
} from './schema.js';
export { RouterConfig, RouteRule, aliasOf, checkRoutes, type RouteIssue } from './router-config.js';
export {
  STORED_MODEL_KEYS,
  STORED_RULES_KEY,
  aliasOfStoredModelKey,
  parseStoredModel,
  parseStoredRules,
  storedModelKey,
  storedModelValue,
  storedRulesValue,
} from './stored-routes.js';
export {
  KeyConfig,
  TeamConfig,
  LimitsConfig,
  BudgetConfig,
  BudgetPeriod,
  PolicyConfig,
  PolicyId,
} from './policy-config.js';
export { CacheConfig, AliasCacheConfig, SemanticCacheConfig } from './cache-config.js';
export { BatchConfig } from './batch-config.js';
