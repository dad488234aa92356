// Summarizes a --cpu-prof profile: the functions with the most self time, as shares of the time
// the process was busy (idle left out, since a bench profile spans runs against other targets).
//   npx tsx bench/profile-top.ts bench/results/<stamp>-profiles/ingress.cpuprofile [count]
import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  /** Share of busy (non-idle) time, 0–1. */
  share: number;
  ms: number;
}

export function topFunctions(
  profile: CpuProfile,
  count: number,
): { busyMs: number; idleMs: number; top: ProfileLine[] } {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const selfUs = new Map<string, number>();
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!frame || frame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    // Paths inside node_modules shortened to the package, so lines stay readable.
    const where = frame.url
      .replace(/^.*\/node_modules\//, '')
      .replace(/^file:\/\/.*?\/(libs|services|apps)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'} ${where}${where ? `:${frame.lineNumber + 1}` : ''}`;
    selfUs.set(name, (selfUs.get(name) ?? 0) + dt);
  });
  const busy = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const top = [...selfUs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ name, share: us / busy, ms: us / 1000 }));
  return { busyMs: busy / 1000, idleMs: idle / 1000, top };
}

if (process.argv[1] === import.meta.filename) {
  const [file, count = '30'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: tsx bench/profile-top.ts <file.cpuprofile> [count]\n');
    process.exit(2);
  }
  const { busyMs, idleMs, top } = topFunctions(
    JSON.parse(readFileSync(file, 'utf8')) as CpuProfile,
    Number(count),
  );
  process.stdout.write(`busy ${busyMs.toFixed(0)} ms, idle ${idleMs.toFixed(0)} ms\n`);
  for (const line of top)
    process.stdout.write(
      `${(line.share * 100).toFixed(1).padStart(5)}%  ${line.ms.toFixed(0).padStart(6)} ms  ${line.name}\n`,
    );
}
