import { describe, expect, it } from "vitest";
import type { WebFiles } from "../transfer/web-files.ts";
import { createJobReporter } from "./job-reporter.ts";

type Sent = { seq: number; events: { message?: string; t?: number }[]; patch?: object };

/** The web's side of postBatch as a list; `refuse` makes the batch with that number fail (after the client's retries). */
const web = (refuse: number[] = []) => {
  const sent: Sent[] = [];
  const post: WebFiles["postBatch"] = async (_jobId, stream, batch) => {
    expect(stream).toBe("events");
    if (refuse.includes(batch.seq)) throw new Error("events batch: 503 the database is unavailable");
    sent.push(batch as unknown as Sent);
  };
  return { sent, post };
};
const noUpload = async () => {};

describe("createJobReporter", () => {
  it("sends events in order in numbered batches of at most 500, the progress and phase with the last", async () => {
    const { sent, post } = web();
    const reporter = createJobReporter({ jobId: "j1", post, upload: noUpload, flushMs: 60_000 });
    reporter.report({ type: "phase", phase: "denoise", state: "start" });
    for (let i = 0; i < 1200; i += 1) reporter.report({ type: "log", level: "info", message: `line ${i}` });
    reporter.report({ type: "progress", phase: "denoise", forward: 3, of: 12 });
    await reporter.close();
    expect(sent.map((b) => [b.seq, b.events.length, b.patch])).toEqual([[1, 500, undefined], [2, 500, undefined], [3, 202, { phase: "denoise", progress: 0.25 }]]);
    const messages = sent.flatMap((b) => b.events).map((e) => e.message).filter(Boolean);
    expect(messages).toEqual(Array.from({ length: 1200 }, (_, i) => `line ${i}`));
    expect(sent.flatMap((b) => b.events).every((e) => typeof e.t === "number")).toBe(true); // when it happened, stamped on report
  });

  it("names a batch the web could not take in the worker log and goes on with the next number", async () => {
    const { sent, post } = web([1]);
    const log: string[] = [];
    const reporter = createJobReporter({ jobId: "j1", post, upload: noUpload, flushMs: 60_000, onError: (line) => log.push(line) });
    reporter.report({ type: "log", level: "info", message: "lost" });
    await reporter.flush();
    reporter.report({ type: "log", level: "info", message: "kept" });
    await reporter.close();
    expect(log).toEqual([expect.stringMatching(/^job j1: 1 events not sent to the web app \(batch 1\): .*503/)]);
    expect(sent.map((b) => [b.seq, b.events.map((e) => e.message)])).toEqual([[2, ["kept"]]]);
    expect(reporter.unsent()).toEqual([]); // events are not results: the run still counts
  });
});
