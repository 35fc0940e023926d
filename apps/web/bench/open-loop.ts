import { Agent, request } from "node:http";

export type OpenLoopResult = { offered: number; completed: number; p50: number; p99: number; errors: number };

const percentile = (sorted: readonly number[], p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);

/**
 * Open-loop load: requests arrive as a Poisson process at `rate` per second, spread round-robin over `connections`
 * keep-alive connections (one per simulated user; a busy user's next request waits its turn, as in a browser).
 * Latency runs from the scheduled arrival, not the send, so a late generator or a queue counts against the server
 * (no coordinated omission). autocannon's own rate limit sends each second's quota in a burst, which measures
 * the burst, not the server.
 */
export const openLoop = async (baseUrl: string, paths: readonly string[], rate: number, seconds: number, connections: number): Promise<OpenLoopResult> => {
  const { hostname, port } = new URL(baseUrl);
  const users = Array.from({ length: connections }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const latencies: number[] = [];
  let errors = 0;
  let offered = 0;
  let outstanding = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  let arrival = started;

  await new Promise<void>((resolve) => {
    const send = (scheduled: number) => {
      const agent = users[offered % connections]!;
      const path = paths[offered % paths.length]!;
      offered++;
      outstanding++;
      const done = (ok: boolean) => {
        if (ok) latencies.push(performance.now() - scheduled);
        else errors++;
        if (--outstanding === 0 && arrival >= end) resolve(); // nothing left to send
      };
      request({ hostname, port, path, agent }, (response) => {
        response.on("data", () => undefined);
        response.on("end", () => done(response.statusCode === 200));
      }).on("error", () => done(false)).end();
    };
    const tick = () => {
      const now = performance.now();
      while (arrival <= now && arrival < end) {
        send(arrival);
        arrival += (-Math.log(1 - Math.random()) * 1000) / rate;
      }
      if (arrival < end) setTimeout(tick, Math.max(0, arrival - performance.now()));
      else if (outstanding === 0) resolve();
    };
    tick();
  });
  users.forEach((agent) => agent.destroy());
  latencies.sort((a, b) => a - b);
  return { offered, completed: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors };
};
