import type { RouteRule } from '@switchyard/config';
import { compileGlob } from '@switchyard/contracts';

/** What a rule may look at: request metadata from headers, never the body. */
export interface RuleInput {
  /** The model the caller asked for. */
  model: string;
  tags: ReadonlySet<string>;
  team: string | undefined;
  promptTokens: number;
}

/** The alias the first matching rule routes to; undefined when none matches. */
export type MatchRule = (input: RuleInput) => string | undefined;

/** Compiled once per change of the rules, so a request pays only the comparisons. */
export function compileRules(rules: readonly RouteRule[]): MatchRule {
  const compiled = rules.map(({ when, route_to }) => {
    const model = when.model === undefined ? undefined : compileGlob(when.model);
    const teams = when.team === undefined ? undefined : new Set(when.team);
    return (input: RuleInput): string | undefined => {
      if (model !== undefined && !model(input.model)) return undefined;
      if (when.tags_any !== undefined && !when.tags_any.some((t) => input.tags.has(t))) return undefined;
      if (teams !== undefined && (input.team === undefined || !teams.has(input.team))) return undefined;
      if (when.min_prompt_tokens !== undefined && input.promptTokens < when.min_prompt_tokens)
        return undefined;
      if (when.max_prompt_tokens !== undefined && input.promptTokens > when.max_prompt_tokens)
        return undefined;
      return route_to;
    };
  });
  return (input) => {
    for (const rule of compiled) {
      const target = rule(input);
      if (target !== undefined) return target;
    }
    return undefined;
  };
}

/** A rough count for a request whose prompt policy did not count: about four bytes a token. */
export const estimateTokens = (bodyBytes: number): number => Math.ceil(bodyBytes / 4);
