import { connect, type Socket } from "node:net";

export type LoadResult = { offered: number; completed: number; p50: number; p99: number; errors: number };

const percentile = (sorted: readonly number[], p: number) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);

const summary = (latencies: number[], offered: number, errors: number): LoadResult => {
  latencies.sort((a, b) => a - b);
  return { offered, completed: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors };
};

const HEADER_END = Buffer.from("\r\n\r\n");

/** One keep-alive connection sending one request at a time. Raw HTTP/1.1 over a socket: node:http's client costs
 * about as much CPU per request as the server under test, and on a 2-core box that CPU is taken from the server. */
class User {
  private readonly socket: Socket;
  private readonly waiting: { scheduled: number; request: Buffer }[] = [];
  private inFlight: number | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private bodyLeft = -1;
  private status = 0;
  private dead = false;

  constructor(port: number, private readonly done: (scheduled: number, ok: boolean) => void) {
    this.socket = connect({ host: "127.0.0.1", port, noDelay: true });
    this.socket.on("data", (chunk) => this.receive(chunk));
    this.socket.on("error", () => this.fail());
    this.socket.on("close", () => this.fail());
  }

  get idle() {
    return this.inFlight === null && this.waiting.length === 0;
  }

  send(scheduled: number, request: Buffer) {
    if (this.dead) return void queueMicrotask(() => this.done(scheduled, false));
    this.waiting.push({ scheduled, request });
    if (this.inFlight === null) this.next();
  }

  close() {
    this.socket.destroy();
  }

  private next() {
    const item = this.waiting.shift();
    if (!item) return;
    this.inFlight = item.scheduled;
    this.socket.write(item.request);
  }

  private receive(chunk: Buffer) {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.inFlight !== null) {
      if (this.bodyLeft < 0) {
        const end = this.pending.indexOf(HEADER_END);
        if (end < 0) return;
        const head = this.pending.subarray(0, end).toString("latin1");
        this.status = Number(head.slice(9, 12));
        this.bodyLeft = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        this.pending = this.pending.subarray(end + HEADER_END.length);
      }
      if (this.pending.length < this.bodyLeft) return;
      this.pending = this.pending.subarray(this.bodyLeft);
      this.bodyLeft = -1;
      const scheduled = this.inFlight;
      this.inFlight = null;
      this.done(scheduled, this.status === 200);
      this.next();
    }
  }

  private fail() {
    const lost = [...(this.inFlight === null ? [] : [this.inFlight]), ...this.waiting.splice(0).map((item) => item.scheduled)];
    this.inFlight = null;
    this.dead = true;
    for (const scheduled of lost) this.done(scheduled, false);
  }
}

const rawRequests = (baseUrl: string, paths: readonly string[]) =>
  paths.map((path) => Buffer.from(`GET ${path} HTTP/1.1\r\nhost: ${new URL(baseUrl).host}\r\nconnection: keep-alive\r\n\r\n`, "latin1"));

/** Closed loop with the same client: each connection sends its next request as soon as the answer is in. */
export const closedLoop = async (baseUrl: string, paths: readonly string[], seconds: number, connections: number): Promise<LoadResult> => {
  const requests = rawRequests(baseUrl, paths);
  const port = Number(new URL(baseUrl).port);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const end = performance.now() + seconds * 1000;
  let finish = () => undefined as void;
  const settled = new Promise<void>((resolve) => (finish = resolve));
  const sendFrom = (user: User) => {
    if (performance.now() >= end) {
      if (users.every((other) => other.idle)) finish();
      return;
    }
    user.send(performance.now(), requests[sent++ % requests.length]!);
  };
  const users: User[] = Array.from({ length: connections }, () => {
    const user: User = new User(port, (scheduled, ok) => {
      if (ok) latencies.push(performance.now() - scheduled);
      else errors++;
      if (ok) sendFrom(user); // a failed connection drops out
      else if (users.every((other) => other.idle)) finish();
    });
    return user;
  });
  users.forEach(sendFrom);
  await settled;
  users.forEach((user) => user.close());
  return summary(latencies, sent, errors);
};

/**
 * Open-loop load: requests arrive as a Poisson process at `rate` per second, spread round-robin over `connections`
 * keep-alive connections (one per simulated user; a busy user's next request waits its turn, as in a browser).
 * Latency runs from the scheduled arrival, not the send, so a late generator or a queue counts against the server
 * (no coordinated omission). autocannon's own rate limit sends each second's quota in a burst, which measures
 * the burst, not the server.
 */
export const openLoop = async (baseUrl: string, paths: readonly string[], rate: number, seconds: number, connections: number): Promise<LoadResult> => {
  const { port } = new URL(baseUrl);
  const requests = rawRequests(baseUrl, paths);
  const latencies: number[] = [];
  let errors = 0;
  let offered = 0;
  let outstanding = 0;
  let finish = () => undefined as void;
  const settled = new Promise<void>((resolve) => (finish = resolve));
  const users = Array.from({ length: connections }, () => new User(Number(port), (scheduled, ok) => {
    if (ok) latencies.push(performance.now() - scheduled);
    else errors++;
    if (--outstanding === 0 && arrival >= end) finish();
  }));
  const started = performance.now();
  const end = started + seconds * 1000;
  let arrival = started;
  const tick = () => {
    const now = performance.now();
    while (arrival <= now && arrival < end) {
      outstanding++;
      users[offered % connections]!.send(arrival, requests[offered % requests.length]!);
      offered++;
      arrival += (-Math.log(1 - Math.random()) * 1000) / rate;
    }
    if (arrival < end) setTimeout(tick, Math.max(0, arrival - performance.now()));
    else if (outstanding === 0) finish();
  };
  tick();
  await settled;
  users.forEach((user) => user.close());
  return summary(latencies, offered, errors);
};
