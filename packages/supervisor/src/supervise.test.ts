import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSupervisor, restartDelayMs, type Service, type SupervisedChild } from "./supervise.ts";

/** A child that exits when told to (or, with `ignores`, only on SIGKILL). */
class FakeChild extends EventEmitter {
  constructor(
    readonly name: string,
    readonly ignores: NodeJS.Signals[] = [],
  ) {
    super();
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null) {
    this.emit("exit", code, signal);
  }
}

const setup = () => {
  const events: string[] = [];
  const spawned: FakeChild[] = [];
  const fatal: string[] = [];
  const supervisor = createSupervisor({
    signal: (child: SupervisedChild, signal) => {
      const fake = child as FakeChild;
      events.push(`${signal} ${fake.name}`);
      if (!fake.ignores.includes(signal)) queueMicrotask(() => fake.exit(null, signal));
    },
    log: () => undefined,
    now: () => Date.now(),
    onFatal: (name) => fatal.push(name),
  });
  const service = (name: string, options: Partial<Service> & { ignores?: NodeJS.Signals[] } = {}): Service => ({
    name,
    stopGraceMs: 1000,
    restarts: true,
    spawn: () => {
      const child = new FakeChild(name, options.ignores);
      spawned.push(child);
      events.push(`spawn ${name}`);
      return child;
    },
    ...options,
  });
  const latest = (name: string) => spawned.filter((child) => child.name === name).at(-1)!;
  return { supervisor, service, events, spawned, fatal, latest };
};

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("restartDelayMs", () => {
  it("doubles from 1 s and stops at 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(restartDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe("stop", () => {
  it("stops the last started first, each after the one before has exited", async () => {
    const { supervisor, service, events } = setup();
    supervisor.start(service("postgres", { restarts: false }));
    supervisor.start(service("worker"));
    supervisor.start(service("web"));
    await supervisor.stop();
    expect(events.filter((e) => e.startsWith("SIG"))).toEqual(["SIGTERM web", "SIGTERM worker", "SIGTERM postgres"]);
  });

  it("waits the whole grace for a slow child before the next, and kills one that outlasts it", async () => {
    const { supervisor, service, events, latest } = setup();
    supervisor.start(service("postgres", { restarts: false }));
    supervisor.start(service("worker", { stopGraceMs: 35_000, ignores: ["SIGTERM"] }));
    const stopped = supervisor.stop();
    await vi.advanceTimersByTimeAsync(34_000);
    // the worker is still handing its job back: Postgres must not be stopped under it
    expect(events.filter((e) => e.startsWith("SIG"))).toEqual(["SIGTERM worker"]);
    latest("worker").exit(0);
    await stopped;
    expect(events.filter((e) => e.startsWith("SIG"))).toEqual(["SIGTERM worker", "SIGTERM postgres"]);

    const second = setup();
    second.supervisor.start(second.service("worker", { stopGraceMs: 35_000, ignores: ["SIGTERM"] }));
    const killed = second.supervisor.stop();
    await vi.advanceTimersByTimeAsync(35_000);
    await killed;
    expect(second.events.filter((e) => e.startsWith("SIG"))).toEqual(["SIGTERM worker", "SIGKILL worker"]);
  });

  it("does not restart what it stops, nor a child whose restart was pending", async () => {
    const { supervisor, service, events, latest } = setup();
    supervisor.start(service("worker"));
    latest("worker").exit(1);
    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events).toEqual(["spawn worker"]);
  });
});

describe("restart", () => {
  it("restarts a crashed child after 1, 2, 4 s … and leaves the others running", async () => {
    const { supervisor, service, events, latest, fatal } = setup();
    supervisor.start(service("postgres", { restarts: false }));
    supervisor.start(service("worker"));
    const spawnsOfWorker = () => events.filter((e) => e === "spawn worker").length;
    for (const [crash, delayMs] of [1000, 2000, 4000, 8000].entries()) {
      latest("worker").exit(1);
      await vi.advanceTimersByTimeAsync(delayMs - 1);
      expect(spawnsOfWorker()).toBe(crash + 1);
      await vi.advanceTimersByTimeAsync(1);
      expect(spawnsOfWorker()).toBe(crash + 2);
    }
    expect(events.filter((e) => e.startsWith("SIG"))).toEqual([]);
    expect(fatal).toEqual([]);
  });

  it("starts again from 1 s after a child stayed up a minute", async () => {
    const { supervisor, service, events, latest } = setup();
    supervisor.start(service("web"));
    for (const delayMs of [1000, 2000, 4000]) {
      latest("web").exit(1);
      await vi.advanceTimersByTimeAsync(delayMs);
    }
    await vi.advanceTimersByTimeAsync(60_000);
    latest("web").exit(null, "SIGKILL");
    await vi.advanceTimersByTimeAsync(1000);
    expect(events.filter((e) => e === "spawn web")).toHaveLength(5);
  });

  it("keeps a restarted PostgreSQL in its place: the others carry on, and it is still stopped last", async () => {
    const { supervisor, service, events, latest, fatal } = setup();
    supervisor.start(service("postgres"));
    supervisor.start(service("worker"));
    supervisor.start(service("web"));
    const killed = latest("postgres");
    killed.exit(null, "SIGKILL");
    await vi.advanceTimersByTimeAsync(1000);
    expect(latest("postgres")).not.toBe(killed);
    expect(fatal).toEqual([]);
    events.length = 0;
    await supervisor.stop();
    expect(events).toEqual(["SIGTERM web", "SIGTERM worker", "SIGTERM postgres"]);
  });

  it("reports a child that does not restart as fatal instead", async () => {
    const { supervisor, service, events, latest, fatal } = setup();
    supervisor.start(service("postgres", { restarts: false }));
    latest("postgres").exit(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fatal).toEqual(["postgres"]);
    expect(events).toEqual(["spawn postgres"]);
  });
});
