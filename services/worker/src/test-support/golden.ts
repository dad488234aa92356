import { readdirSync, readFileSync } from 'node:fs';

/** Every golden fixture in `dir`, as `[file name, parsed JSON]` pairs for `it.each`. */
export const loadGoldens = <T>(dir: URL): [string, T][] =>
  readdirSync(dir).map((f): [string, T] => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as T]);

/** What `fn` threw; undefined when it returned. */
export function refusal(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
