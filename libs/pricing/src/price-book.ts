import { compileGlob, type GlobMatcher } from '@switchyard/contracts';
import type { ModelPrice } from './compute-cost.js';
import { PRICE_TABLE, type PriceTable } from './prices.js';

export interface PriceBook {
  /** The version of the built-in table (`PRICE_TABLE.version`). */
  readonly version: string;
  /**
   * The price of one upstream model, or undefined when neither the overrides nor the table know
   * it: an unknown model has no cost, never a cost of 0.
   */
  priceFor(providerType: string, providerId: string, upstreamModel: string): ModelPrice | undefined;
}

interface GlobEntry {
  matches: GlobMatcher;
  /** Characters other than `*`: the longer, the more specific the pattern. */
  literal: number;
  price: ModelPrice;
}

interface CompiledPrices {
  exact: ReadonlyMap<string, ModelPrice>;
  /** Most specific first. */
  globs: readonly GlobEntry[];
}

function compile(prices: Readonly<Record<string, ModelPrice>>): CompiledPrices {
  const exact = new Map<string, ModelPrice>();
  const globs: GlobEntry[] = [];
  for (const [pattern, price] of Object.entries(prices)) {
    if (pattern.includes('*')) {
      globs.push({ matches: compileGlob(pattern), literal: pattern.replaceAll('*', '').length, price });
    } else {
      exact.set(pattern, price);
    }
  }
  globs.sort((a, b) => b.literal - a.literal);
  return { exact, globs };
}

/** An exact name first (in the order given), then the most specific pattern any name matches. */
function find(prices: CompiledPrices, names: readonly string[]): ModelPrice | undefined {
  for (const name of names) {
    const price = prices.exact.get(name);
    if (price !== undefined) return price;
  }
  return prices.globs.find((g) => names.some(g.matches))?.price;
}

/** Distinct upstream models are few, but `prefix/*` aliases let callers name any: the memo is bounded. */
const MEMO_LIMIT = 10_000;

/**
 * Prices from the config's `pricing` overrides first, then the built-in table. An override key is
 * `<provider id>/<model>`, `<vendor>/<model>` or a bare model, each possibly a glob (`gpt-4o*`);
 * table keys are `<vendor>/<model>`, where the vendor is the provider's id (`openai`, `groq`,
 * `deepseek`) or the vendor its type implies (`anthropic`, `gemini`, …).
 */
export function createPriceBook(
  overrides: Readonly<Record<string, ModelPrice>> = {},
  table: PriceTable = PRICE_TABLE,
): PriceBook {
  const fromConfig = compile(overrides);
  const fromTable = compile(table.prices);
  const memo = new Map<string, ModelPrice | null>();

  const lookup = (providerType: string, providerId: string, model: string): ModelPrice | undefined => {
    const vendor = table.vendorOfType[providerType];
    const scoped = [`${providerId}/${model}`];
    if (vendor !== undefined && vendor !== providerId) scoped.push(`${vendor}/${model}`);
    return find(fromConfig, [...scoped, model]) ?? find(fromTable, scoped);
  };

  return {
    version: table.version,
    priceFor(providerType, providerId, upstreamModel) {
      const key = `${providerType}\n${providerId}\n${upstreamModel}`;
      const known = memo.get(key);
      if (known !== undefined) return known ?? undefined;
      const price = lookup(providerType, providerId, upstreamModel);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(key, price ?? null);
      return price;
    },
  };
}
