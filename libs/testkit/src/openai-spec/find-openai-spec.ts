import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const RELATIVE = join('shared', 'specs', 'openai-openapi.yaml');

/**
 * Where OpenAI's published spec lives: OPENAI_SPEC_PATH, else a `shared/specs/` folder found by
 * walking up from this file and from the cwd. The repo is checked out beside `shared/` (locally
 * /work/main next to /work/shared; CI copies shared/ beside its clone), so each ancestor's own
 * `shared/` and its sibling `../shared/` are both tried.
 */
export function findOpenAISpec(): { path: string } | { missing: string } {
  const fromEnv = process.env.OPENAI_SPEC_PATH;
  if (fromEnv) {
    return existsSync(fromEnv)
      ? { path: fromEnv }
      : { missing: `OPENAI_SPEC_PATH=${fromEnv} does not exist` };
  }
  const tried = new Set<string>();
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (const dir of ancestors(start)) {
      for (const candidate of [join(dir, RELATIVE), resolve(dir, '..', RELATIVE)]) {
        if (tried.has(candidate)) continue;
        tried.add(candidate);
        if (existsSync(candidate)) return { path: candidate };
      }
    }
  }
  return {
    missing:
      `openai-openapi.yaml not found: set OPENAI_SPEC_PATH, or put the shared/ folder beside the repo ` +
      `(looked for ${RELATIVE} above ${dirname(fileURLToPath(import.meta.url))} and ${process.cwd()})`,
  };
}

function* ancestors(start: string): Generator<string> {
  let dir = resolve(start);
  for (;;) {
    yield dir;
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
