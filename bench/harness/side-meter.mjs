// Where the time of each side of a comparison went: wall time, this process's CPU (the client: library
// or raw SDK code, gRPC, GC) and the local server's CPU. Summed over a side's rounds, per message it
// tells whether a figure measures the client or the server.
import { cpuMsOf } from './process-cpu.mjs';

export function sideMeter(serverPid) {
  const totals = {};
  return {
    /** Runs `fn` as part of `side`, counting `count` messages for it. */
    async measure(side, count, fn) {
      const wall0 = performance.now();
      const cpu0 = process.cpuUsage();
      const server0 = cpuMsOf(serverPid);
      const result = await fn();
      const cpu = process.cpuUsage(cpu0);
      const server1 = cpuMsOf(serverPid);
      const t = (totals[side] ??= { count: 0, wallMs: 0, clientCpuMs: 0, serverCpuMs: 0 });
      t.count += count;
      t.wallMs += performance.now() - wall0;
      t.clientCpuMs += (cpu.user + cpu.system) / 1000;
      t.serverCpuMs += server0 === undefined || server1 === undefined ? Number.NaN : server1 - server0;
      return result;
    },
    /** Per side: the totals, per message in µs, and each process's share of one core over the wall time. */
    report() {
      const out = {};
      for (const [side, t] of Object.entries(totals)) {
        out[side] = {
          messages: t.count,
          wallUsPerMessage: round((t.wallMs * 1000) / t.count),
          clientCpuUsPerMessage: round((t.clientCpuMs * 1000) / t.count),
          serverCpuUsPerMessage: round((t.serverCpuMs * 1000) / t.count),
          clientCoreShare: round(t.clientCpuMs / t.wallMs, 100),
          serverCoreShare: round(t.serverCpuMs / t.wallMs, 100),
        };
      }
      return out;
    },
  };
}

const round = (x, by = 1) => Math.round(x * by) / by;
