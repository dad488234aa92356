// Copies what the CLI needs at run time, and nothing else, into an empty directory: the built
// workspace packages it depends on (package.json and dist/ only: no sources, no tests) and the
// npm packages their `dependencies` reach. Dev dependencies and the workspaces used only by tests
// (testkit, which alone pulls in testcontainers, SDKs and fakes) are never reached, so they stay
// out of the image. `npm prune --omit=dev` cannot do this: in a workspace, every workspace
// package's dependencies count as production ones.
//   node deploy/runtime-files.mjs <repo root> <out dir>
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const [root, out] = process.argv.slice(2).map((p) => realpathSync(p));
if (!root || !out) throw new Error('usage: node deploy/runtime-files.mjs <repo root> <out dir>');

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const isWorkspace = (dir) => !relative(root, dir).split('/').includes('node_modules');
const copied = new Set();

/** The directory Node would load `name` from, starting at `from` (walking up the node_modules). */
function resolvePackage(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

function copyPackage(dir) {
  const real = realpathSync(dir);
  if (real !== dir) {
    // A workspace link (node_modules/@switchyard/bus → libs/bus): keep the link, copy the target.
    mkdirSync(dirname(join(out, relative(root, dir))), { recursive: true });
    if (!existsSync(join(out, relative(root, dir))))
      symlinkSync(relative(dirname(dir), real), join(out, relative(root, dir)));
  }
  if (copied.has(real)) return;
  copied.add(real);
  const target = join(out, relative(root, real));
  const pkg = readJson(join(real, 'package.json'));
  if (isWorkspace(real)) {
    mkdirSync(target, { recursive: true });
    cpSync(join(real, 'package.json'), join(target, 'package.json'));
    cpSync(join(real, 'dist'), join(target, 'dist'), { recursive: true });
  } else {
    // Nested node_modules are reached, and copied, as dependencies of their own.
    cpSync(real, target, {
      recursive: true,
      filter: (src) => !relative(real, src).startsWith('node_modules'),
    });
  }
  const deps = { ...pkg.dependencies, ...pkg.optionalDependencies };
  for (const name of Object.keys(deps)) {
    const found = resolvePackage(name, dir);
    if (found) copyPackage(found);
    else if (!(name in (pkg.optionalDependencies ?? {})))
      throw new Error(`${pkg.name}: dependency ${name} is not installed`);
  }
  // Peer dependencies are the dependant's to bring; copy them when they are installed.
  for (const name of Object.keys(pkg.peerDependencies ?? {})) {
    const found = resolvePackage(name, dir);
    if (found) copyPackage(found);
  }
}

cpSync(join(root, 'package.json'), join(out, 'package.json'));
copyPackage(join(root, 'apps', 'switchyard'));
process.stdout.write(`${copied.size} packages copied to ${out}\n`);
