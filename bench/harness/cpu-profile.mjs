// Reads a V8 CPU profile (from --cpu-prof or the inspector) as the functions that took the most self
// time: the evidence a MISS is explained with.
import { Session } from 'node:inspector/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// Samples that are not the profiled code's work: the idle loop, and the inspector's own dispatch when a
// process profiles itself.
const notWork = (frame) => frame.functionName === '(idle)' || (frame.functionName === 'dispatch' && !frame.url);

const where = (url) => {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const rel = relative(process.cwd(), path);
  return rel.replace(/^node_modules\//, '').replace(/^(.*\/)?node_modules\//, '');
};

/** @returns {{ name: string, at: string, selfMs: number, share: number }[]} the top entries by self time */
export function topSelfTime(profile, limit = 12) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id).callFrame;
    if (notWork(frame)) return;
    total += ms;
    const key = `${frame.functionName || '(anonymous)'}\u0000${where(frame.url)}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  });
  return [...self.entries()]
    // V8's own buckets say nothing about which function to look at.
    .filter(([key]) => !/^\((program|root)\)/.test(key))
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, ms]) => {
      const [name, at] = key.split('\u0000');
      return { name, at, selfMs: Math.round(ms * 10) / 10, share: Math.round((ms / total) * 1000) / 1000 };
    });
}

/** The package (or Node's own code, or momento-chat's dist/) a profile URL belongs to. */
function packageOf(url, name) {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const [first, second] = path.slice(inModules + 'node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  if (path.startsWith('node:')) return path.includes('http2') ? 'node (http2)' : 'node';
  const rel = relative(process.cwd(), path);
  return rel.startsWith('dist/') ? 'momento-chat (dist)' : rel;
}

/** @returns {{ package: string, selfMs: number, share: number }[]} self time summed by package, largest first */
export function selfTimeByPackage(profile, limit = 12) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const sums = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id).callFrame;
    if (notWork(frame)) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const key = packageOf(frame.url, frame.functionName);
    sums.set(key, (sums.get(key) ?? 0) + ms);
  });
  return [...sums.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, ms]) => ({ package: key, selfMs: Math.round(ms), share: Math.round((ms / total) * 1000) / 1000 }));
}

/** Profiles `fn` in this process (sampling every 100 µs). @returns {Promise<object>} the profile */
export async function profileWhile(fn) {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await fn();
    const { profile } = await session.post('Profiler.stop');
    return profile;
  } finally {
    session.disconnect();
  }
}

export const readProfile = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** The newest .cpuprofile that --cpu-prof wrote into a directory, read. */
export function newestProfileIn(dir) {
  const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().at(-1);
  return file ? { file: join(dir, file), profile: readProfile(join(dir, file)) } : undefined;
}
