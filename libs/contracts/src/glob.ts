/** A compiled model pattern: true when `name` matches it. */
export type GlobMatcher = (name: string) => boolean;

const anything: GlobMatcher = () => true;

/**
 * Compiles a model glob where `*` stands for any run of characters (`/` included), so
 * `openai/*`, `gpt-4o*` and `*` mean what an operator expects. No regex: a pattern is matched
 * by its literal pieces in order, so no pattern can cost more than one pass over the name.
 */
export function compileGlob(pattern: string): GlobMatcher {
  if (pattern === '*') return anything;
  const parts = pattern.split('*');
  if (parts.length === 1) return (name) => name === pattern;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  const minLength = first.length + last.length;
  return (name) => {
    if (name.length < minLength || !name.startsWith(first) || !name.endsWith(last)) return false;
    let at = first.length;
    const end = name.length - last.length;
    for (const part of middle) {
      const found = name.indexOf(part, at);
      if (found === -1 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}

/** True when `name` matches any of `patterns`. */
export function compileGlobs(patterns: readonly string[]): GlobMatcher {
  const matchers = patterns.map(compileGlob);
  if (matchers.includes(anything)) return anything;
  return (name) => matchers.some((m) => m(name));
}
