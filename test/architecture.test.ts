import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter(
      (e) =>
        e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'),
    )
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((f) => !f.includes('/dist/') && !f.includes('/node_modules/') && !f.includes('/fixtures/'));
}

const importsOf = (file: string): string[] =>
  [
    ...readFileSync(join(root, file), 'utf8').matchAll(
      /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g,
    ),
  ].map((m) => m[1]!);

const packagesIn = (dir: string): string[] => readdirSync(join(root, dir));
const SERVICES = packagesIn('services');

describe('architecture', () => {
  it('finds the sources it checks', () => {
    expect(sourceFiles('services').length).toBeGreaterThan(10);
    expect(sourceFiles('libs').length).toBeGreaterThan(10);
  });

  it('services do not import other services', () => {
    const offences = SERVICES.flatMap((service) =>
      sourceFiles(`services/${service}`).flatMap((file) =>
        importsOf(file)
          .filter((spec) => SERVICES.some((other) => other !== service && spec === `@switchyard/${other}`))
          .map((spec) => `${file} imports ${spec}`),
      ),
    );
    expect(offences).toEqual([]);
  });

  it('libs do not import services or apps', () => {
    const offences = sourceFiles('libs').flatMap((file) =>
      importsOf(file)
        .filter((spec) => SERVICES.some((s) => spec === `@switchyard/${s}`) || spec === '@switchyard/cli')
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('contracts depend on zod only', () => {
    const offences = sourceFiles('libs/contracts').flatMap((file) =>
      importsOf(file)
        .filter((spec) => !spec.startsWith('.') && spec !== 'zod')
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offences).toEqual([]);
  });

  it('only main.ts and config.ts read process.env (the test kit excepted)', () => {
    const offences = [...sourceFiles('libs'), ...sourceFiles('services'), ...sourceFiles('apps')].filter(
      (file) =>
        !file.startsWith('libs/testkit/') &&
        !/\/(main|config)\.ts$/.test(file) &&
        /process\.env\b/.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(offences).toEqual([]);
  });
});
