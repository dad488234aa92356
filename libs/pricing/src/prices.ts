import type { ModelPrice } from './compute-cost.js';

/** A versioned price list: data only, looked up by `createPriceBook`. */
export interface PriceTable {
  /** Changes whenever a price does; events and logs can say which list a cost came from. */
  version: string;
  /** When the prices were taken from the vendors' pricing pages (YYYY-MM-DD). */
  taken: string;
  /** Where each vendor publishes its prices. */
  sources: Readonly<Record<string, string>>;
  /**
   * The vendor whose prices a provider type charges. OpenAI-compatible providers (OpenAI, Groq,
   * DeepSeek, a local vLLM …) have no vendor by type: they are priced by their provider id.
   */
  vendorOfType: Readonly<Record<string, string>>;
  /** `vendor/model` → price; `*` in the model stands for any run of characters (dated snapshots). */
  prices: Readonly<Record<string, ModelPrice>>;
}

/**
 * List prices, USD per million tokens: standard tier, short-context rates (Gemini ≤ 200k
 * tokens), no batch or priority pricing; `cache_write` is Anthropic's 5-minute cache write.
 * Prices change: check them against the vendors' pages before billing on them, and correct or
 * extend them with the `pricing` section of the config.
 */
export const PRICE_TABLE: PriceTable = {
  version: '2026-11-27',
  taken: '2026-11-27',
  sources: {
    openai: 'https://openai.com/api/pricing',
    anthropic: 'https://docs.anthropic.com/en/docs/about-claude/pricing',
    gemini: 'https://ai.google.dev/gemini-api/docs/pricing',
    mistral: 'https://mistral.ai/pricing',
    cohere: 'https://cohere.com/pricing',
    deepseek: 'https://api-docs.deepseek.com/quick_start/pricing',
    groq: 'https://groq.com/pricing',
  },
  vendorOfType: {
    'azure-openai': 'openai',
    anthropic: 'anthropic',
    gemini: 'gemini',
    mistral: 'mistral',
    cohere: 'cohere',
  },
  prices: {
    // OpenAI
    'openai/gpt-5.5': { input: 5, cached_read: 0.5, output: 30 },
    'openai/gpt-5.5-20*': { input: 5, cached_read: 0.5, output: 30 },
    'openai/gpt-5.4': { input: 2.5, cached_read: 0.25, output: 15 },
    'openai/gpt-5.4-20*': { input: 2.5, cached_read: 0.25, output: 15 },
    'openai/gpt-5.4-mini*': { input: 0.75, cached_read: 0.075, output: 4.5 },
    'openai/gpt-5.4-nano*': { input: 0.2, cached_read: 0.02, output: 1.25 },
    'openai/gpt-5': { input: 1.25, cached_read: 0.125, output: 10 },
    'openai/gpt-5-20*': { input: 1.25, cached_read: 0.125, output: 10 },
    'openai/gpt-5-mini*': { input: 0.25, cached_read: 0.025, output: 2 },
    'openai/gpt-5-nano*': { input: 0.05, cached_read: 0.005, output: 0.4 },
    'openai/gpt-4.1': { input: 2, cached_read: 0.5, output: 8 },
    'openai/gpt-4.1-20*': { input: 2, cached_read: 0.5, output: 8 },
    'openai/gpt-4.1-mini*': { input: 0.4, cached_read: 0.1, output: 1.6 },
    'openai/gpt-4.1-nano*': { input: 0.1, cached_read: 0.025, output: 0.4 },
    'openai/gpt-4o': { input: 2.5, cached_read: 1.25, output: 10 },
    'openai/gpt-4o-20*': { input: 2.5, cached_read: 1.25, output: 10 },
    'openai/gpt-4o-2024-05-13': { input: 5, output: 15 },
    'openai/gpt-4o-mini': { input: 0.15, cached_read: 0.075, output: 0.6 },
    'openai/gpt-4o-mini-20*': { input: 0.15, cached_read: 0.075, output: 0.6 },
    'openai/o3': { input: 2, cached_read: 0.5, output: 8 },
    'openai/o3-20*': { input: 2, cached_read: 0.5, output: 8 },
    'openai/o3-mini*': { input: 1.1, cached_read: 0.55, output: 4.4 },
    'openai/o4-mini': { input: 1.1, cached_read: 0.275, output: 4.4 },
    'openai/o4-mini-20*': { input: 1.1, cached_read: 0.275, output: 4.4 },
    'openai/o1': { input: 15, cached_read: 7.5, output: 60 },
    'openai/o1-20*': { input: 15, cached_read: 7.5, output: 60 },
    'openai/gpt-4-turbo*': { input: 10, output: 30 },
    'openai/gpt-3.5-turbo*': { input: 0.5, output: 1.5 },
    'openai/text-embedding-3-small': { input: 0.02, output: 0 },
    'openai/text-embedding-3-large': { input: 0.13, output: 0 },
    'openai/text-embedding-ada-002': { input: 0.1, output: 0 },

    // Anthropic: the longest matching pattern wins, so `claude-opus-4-5*` beats `claude-opus-4*`.
    'anthropic/claude-opus-4*': { input: 15, cache_write: 18.75, cached_read: 1.5, output: 75 },
    'anthropic/claude-opus-4-5*': { input: 5, cache_write: 6.25, cached_read: 0.5, output: 25 },
    'anthropic/claude-opus-4-6*': { input: 5, cache_write: 6.25, cached_read: 0.5, output: 25 },
    'anthropic/claude-opus-4-7*': { input: 5, cache_write: 6.25, cached_read: 0.5, output: 25 },
    'anthropic/claude-sonnet-4*': { input: 3, cache_write: 3.75, cached_read: 0.3, output: 15 },
    'anthropic/claude-haiku-4-5*': { input: 1, cache_write: 1.25, cached_read: 0.1, output: 5 },
    'anthropic/claude-3-7-sonnet*': { input: 3, cache_write: 3.75, cached_read: 0.3, output: 15 },
    'anthropic/claude-3-5-sonnet*': { input: 3, cache_write: 3.75, cached_read: 0.3, output: 15 },
    'anthropic/claude-3-5-haiku*': { input: 0.8, cache_write: 1, cached_read: 0.08, output: 4 },
    'anthropic/claude-3-opus*': { input: 15, cache_write: 18.75, cached_read: 1.5, output: 75 },
    'anthropic/claude-3-haiku*': { input: 0.25, cache_write: 0.3, cached_read: 0.03, output: 1.25 },

    // Google Gemini (prompts up to 200k tokens; cached_read is the context-caching price)
    'gemini/gemini-3.1-pro*': { input: 2, cached_read: 0.2, output: 12 },
    'gemini/gemini-3-pro*': { input: 2, cached_read: 0.2, output: 12 },
    'gemini/gemini-3-flash*': { input: 0.5, cached_read: 0.05, output: 3 },
    'gemini/gemini-2.5-pro*': { input: 1.25, cached_read: 0.125, output: 10 },
    'gemini/gemini-2.5-flash*': { input: 0.3, cached_read: 0.03, output: 2.5 },
    'gemini/gemini-2.5-flash-lite*': { input: 0.1, cached_read: 0.01, output: 0.4 },
    'gemini/gemini-2.0-flash*': { input: 0.1, cached_read: 0.025, output: 0.4 },
    'gemini/gemini-2.0-flash-lite*': { input: 0.075, output: 0.3 },
    'gemini/gemini-embedding-001': { input: 0.15, output: 0 },

    // Mistral
    'mistral/mistral-large-latest': { input: 0.5, output: 1.5 },
    'mistral/mistral-large-2512': { input: 0.5, output: 1.5 },
    'mistral/mistral-large-2411': { input: 2, output: 6 },
    'mistral/mistral-medium*': { input: 0.4, output: 2 },
    'mistral/mistral-small*': { input: 0.1, output: 0.3 },
    'mistral/magistral-medium*': { input: 2, output: 5 },
    'mistral/magistral-small*': { input: 0.5, output: 1.5 },
    'mistral/codestral*': { input: 0.3, output: 0.9 },
    'mistral/pixtral-large*': { input: 2, output: 6 },
    'mistral/ministral-8b*': { input: 0.1, output: 0.1 },
    'mistral/ministral-3b*': { input: 0.04, output: 0.04 },
    'mistral/open-mistral-nemo*': { input: 0.15, output: 0.15 },
    'mistral/mistral-embed': { input: 0.1, output: 0 },

    // Cohere
    'cohere/command-a*': { input: 2.5, output: 10 },
    'cohere/command-r-plus*': { input: 2.5, output: 10 },
    'cohere/command-r': { input: 0.15, output: 0.6 },
    'cohere/command-r-08-2024': { input: 0.15, output: 0.6 },
    'cohere/command-r7b*': { input: 0.0375, output: 0.15 },
    'cohere/embed-v4.0': { input: 0.12, output: 0 },
    'cohere/embed-english-v3.0': { input: 0.1, output: 0 },
    'cohere/embed-multilingual-v3.0': { input: 0.1, output: 0 },

    // DeepSeek: cached_read is the cache-hit price, input the cache-miss price.
    'deepseek/deepseek-chat': { input: 0.28, cached_read: 0.028, output: 0.42 },
    'deepseek/deepseek-reasoner': { input: 0.28, cached_read: 0.028, output: 0.42 },

    // Groq
    'groq/llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
    'groq/llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
    'groq/meta-llama/llama-4-scout-17b-16e-instruct': { input: 0.11, output: 0.34 },
    'groq/meta-llama/llama-4-maverick-17b-128e-instruct': { input: 0.2, output: 0.6 },
    'groq/openai/gpt-oss-120b': { input: 0.15, cached_read: 0.075, output: 0.6 },
    'groq/openai/gpt-oss-20b': { input: 0.075, cached_read: 0.0375, output: 0.3 },
    'groq/qwen/qwen3-32b': { input: 0.29, output: 0.59 },
    'groq/moonshotai/kimi-k2-instruct*': { input: 1, output: 3 },
  },
};
