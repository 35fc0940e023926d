import { describe, expect, it, vi } from "vitest";
import { TransferRefused, type WebFiles } from "../transfer/web-files.ts";
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
const line = (i: number) => ({ type: "log", level: "info", message: `line ${i}` }) as const;

/**
 * The web's side of postBatch after the client's own retries: it stores a batch number once (as job_report_batch
 * does), may be down (503), may lose one answer after storing (no connection), or refuse batches (403).
 */
const flakyWeb = ({ refuse = [] as number[] } = {}) => {
  const sent: Sent[] = [];
  const tries: number[] = [];
  const web = { down: false, loseAnswerOnce: false };
  const post: WebFiles["postBatch"] = async (_jobId, stream, batch) => {
    expect(stream).toBe("events");
    tries.push(batch.seq);
    if (refuse.includes(batch.seq)) throw new TransferRefused(403, `events batch ${batch.seq}: 403 the job is not held by this host`);
    if (web.down) throw new TransferRefused(503, `events batch ${batch.seq}: 503 the database is unavailable`);
    if (!sent.some((b) => b.seq === batch.seq)) sent.push(batch as unknown as Sent);
    if (web.loseAnswerOnce) {
      web.loseAnswerOnce = false;
      throw new TypeError("fetch failed: socket hang up");
    }
  };
  return { sent, tries, web, post };
};

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

  it("keeps a batch the web could not take and sends it again first, in order, once it is back", async () => {
    const { sent, tries, post, web } = flakyWeb();
    const log: string[] = [];
    const reporter = createJobReporter({ jobId: "j1", post, upload: noUpload, flushMs: 60_000, onError: (line) => log.push(line) });
    web.down = true;
    reporter.report(line(0));
    await reporter.flush();
    reporter.report(line(1));
    await reporter.flush(); // still down: batch 2 waits behind batch 1, never overtakes it
    web.down = false;
    web.loseAnswerOnce = true; // the web stores batch 1 but its answer is lost: the re-send adds nothing
    reporter.report(line(2));
    await reporter.flush();
    await reporter.close();
    expect(tries).toEqual([1, 1, 1, 1, 2, 3]);
    expect(sent.map((b) => [b.seq, b.events.map((e) => e.message)])).toEqual([[1, ["line 0"]], [2, ["line 1"]], [3, ["line 2"]]]);
    expect(log).toEqual([
      expect.stringMatching(/^job j1: 1 events not sent to the web app yet \(batch 1\), kept to send again: .*503/),
      expect.stringMatching(/^job j1: 2 events not sent to the web app yet \(batches 1–2\), kept to send again: .*503/),
      expect.stringMatching(/^job j1: 3 events not sent to the web app yet \(batches 1–3\), kept to send again: fetch failed/),
    ]);
    expect(reporter.unsent()).toEqual([]); // events are not results: the run still counts
  });

  it("drops a batch the web refused on purpose (403) without sending it again, and goes on with the next number", async () => {
    const { sent, tries, post } = flakyWeb({ refuse: [1] });
    const log: string[] = [];
    const reporter = createJobReporter({ jobId: "j1", post, upload: noUpload, flushMs: 60_000, onError: (line) => log.push(line) });
    reporter.report(line(0));
    await reporter.flush();
    reporter.report(line(1));
    await reporter.close();
    expect(tries).toEqual([1, 2]);
    expect(sent.map((b) => [b.seq, b.events.map((e) => e.message)])).toEqual([[2, ["line 1"]]]);
    expect(log).toEqual([expect.stringMatching(/^job j1: 1 events not sent to the web app \(batch 1\): events batch 1: 403 the job is not held by this host$/)]);
  });

  it("keeps at most 5,000 events while the web is down, dropping the oldest batches and saying how many", async () => {
    const { sent, post, web } = flakyWeb();
    const log: string[] = [];
    const reporter = createJobReporter({ jobId: "j1", post, upload: noUpload, flushMs: 60_000, onError: (l) => log.push(l) });
    web.down = true;
    for (let i = 0; i < 6000; i += 1) reporter.report(line(i));
    await reporter.flush();
    expect(log[0]).toBe("job j1: the web app has not taken events for a while: dropped the oldest 1000 events (batches 1–2) to keep at most 5000 waiting");
    web.down = false;
    await reporter.close();
    expect(sent.map((b) => b.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(sent.flatMap((b) => b.events).map((e) => e.message)).toEqual(Array.from({ length: 5000 }, (_, i) => `line ${i + 1000}`));
  });

  it("adds no timed write behind one still waiting on the web, so close() is not held up by a pile of them", async () => {
    vi.useFakeTimers();
    try {
      const tries: number[] = [];
      let answer = () => {};
      /** The web is down; the first try takes long (the transfer's own retries), the others fail at once. */
      const post: WebFiles["postBatch"] = async (_jobId, _stream, batch) => {
        tries.push(batch.seq);
        if (tries.length === 1) await new Promise<void>((resolve) => (answer = resolve));
        throw new TransferRefused(503, `events batch ${batch.seq}: 503 the database is unavailable`);
      };
      const reporter = createJobReporter({ jobId: "j1", post, upload: noUpload, flushMs: 500 });
      reporter.report(line(0));
      await vi.advanceTimersByTimeAsync(500); // batch 1 goes and hangs
      await vi.advanceTimersByTimeAsync(10 * 500); // ten ticks while it hangs
      answer();
      await reporter.close();
      expect(tries).toEqual([1, 1]); // the first try and close()'s, not ten more in between
    } finally {
      vi.useRealTimers();
    }
  });

  it("close() waits for a last try of what is waiting, and names what never arrived", async () => {
    const { sent, post, web } = flakyWeb();
    const log: string[] = [];
    const reporter = createJobReporter({ jobId: "j1", post, upload: noUpload, flushMs: 60_000, onError: (l) => log.push(l) });
    web.down = true;
    reporter.report(line(0));
    await reporter.flush();
    web.down = false;
    await reporter.close(); // nothing new: batch 1 still goes
    expect(sent.map((b) => [b.seq, b.events.map((e) => e.message)])).toEqual([[1, ["line 0"]]]);

    const down = flakyWeb();
    const lost: string[] = [];
    const late = createJobReporter({ jobId: "j2", post: down.post, upload: noUpload, flushMs: 60_000, onError: (l) => lost.push(l) });
    down.web.down = true;
    late.report(line(0));
    await late.flush();
    late.report({ type: "progress", phase: "denoise", forward: 1, of: 2 });
    await late.close();
    expect(down.tries).toEqual([1, 1]);
    expect(lost.at(-1)).toMatch(/^job j2: 2 events never reached the web app \(batches 1–2\): .*503/);
  });
});
