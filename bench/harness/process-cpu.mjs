// CPU time of another process (the local server), from /proc: user + system, in milliseconds.
// Linux only; elsewhere it is undefined and the tables say so.
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the bench runs on (getconf CLK_TCK)

/** @returns {number | undefined} */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Measures how busy a process was over a stretch of wall time: its CPU ms and the share of one core. */
export function busyMeter(pid) {
  const startCpu = cpuMsOf(pid);
  const startWall = performance.now();
  return () => {
    const endCpu = cpuMsOf(pid);
    const wallMs = performance.now() - startWall;
    if (startCpu === undefined || endCpu === undefined) return { cpuMs: undefined, wallMs, coreShare: undefined };
    return { cpuMs: endCpu - startCpu, wallMs, coreShare: (endCpu - startCpu) / wallMs };
  };
}
