export { loadConfig, parseConfig, ConfigError, type Env } from './load.js';
export { interpolate } from './interpolate.js';
export { PROVIDERS_FROM_ENV } from './defaults.js';
export {
  SwitchyardConfig,
  ProviderConfig,
  ModelConfig,
  DeploymentConfig,
  deploymentIdOf,
  aliasOf,
  RoutingStrategy,
  RouterConfig,
  ModelPriceConfig,
} from './schema.js';
export {
  KeyConfig,
  TeamConfig,
  LimitsConfig,
  BudgetConfig,
  BudgetPeriod,
  PolicyConfig,
  PolicyId,
} from './policy-config.js';
