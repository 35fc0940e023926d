import { isRefusal } from "./web-files.ts";

export type BatchOutbox<B extends { seq: number }> = {
  /**
   * Sends the batches still waiting, then `batches`, in seq order, up to the first the web could not take for a passing
   * reason: that one and all after it wait for the next call (the web numbers events as they arrive, so none may
   * overtake). `isLast` (the job is over): what is still waiting afterwards is named in the worker log and let go.
   * Calls must not overlap; both callers chain them.
   */
  send: (batches: readonly B[], isLast?: boolean) => Promise<void>;
};

type OutboxOptions<B> = {
  /** The worker log lines' subject, e.g. "job <id>". */
  label: string;
  /** What a batch holds, for the log: "events", "VRAM samples". */
  unit: string;
  /** WebFiles.postBatch for one stream (it retries a few times itself); the web stores a batch number once. */
  post: (batch: B) => Promise<void>;
  /** How many `unit`s a batch holds. */
  sizeOf: (batch: B) => number;
  /** Past this many units waiting, the oldest batches go: a web down for the whole job must not grow the worker. */
  maxWaiting: number;
  onError: (message: string) => void;
};

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const batchNames = (batches: readonly { seq: number }[]) =>
  batches.length === 1 ? `batch ${batches[0]!.seq}` : `batches ${batches[0]!.seq}–${batches.at(-1)!.seq}`;

/**
 * Numbered batches of one report stream on their way to the web app: one the web refused on purpose (4xx) is dropped
 * and named; one it could not take now (down, 5xx, network) is kept, bounded, and sent again before newer ones.
 */
export const createBatchOutbox = <B extends { seq: number }>(options: OutboxOptions<B>): BatchOutbox<B> => {
  const { label, unit, sizeOf, onError } = options;
  let waiting: B[] = [];
  // a batch with nothing in it (a progress patch alone) still counts one, so those are bounded too
  const weigh = (batches: readonly B[]) => batches.reduce((sum, batch) => sum + Math.max(1, sizeOf(batch)), 0);
  const units = (batches: readonly B[]) => batches.reduce((sum, batch) => sum + sizeOf(batch), 0);

  const dropOldest = () => {
    let keep = 0;
    while (keep < waiting.length && weigh(waiting.slice(keep)) > options.maxWaiting) keep += 1;
    if (keep === 0) return;
    const dropped = waiting.slice(0, keep);
    waiting = waiting.slice(keep);
    onError(`${label}: the web app has not taken ${unit} for a while: dropped the oldest ${units(dropped)} ${unit} (${batchNames(dropped)}) to keep at most ${options.maxWaiting} waiting`);
  };

  const send: BatchOutbox<B>["send"] = async (batches, isLast = false) => {
    waiting.push(...batches);
    dropOldest();
    let failure = "";
    while (waiting.length > 0) {
      const batch = waiting[0]!;
      try {
        await options.post(batch);
      } catch (error) {
        if (!isRefusal(error)) {
          failure = messageOf(error);
          break;
        }
        // a refusal on purpose (revoked token, claim not held, malformed, too big): no later try helps
        onError(`${label}: ${sizeOf(batch)} ${unit} not sent to the web app (batch ${batch.seq}): ${messageOf(error)}`);
      }
      waiting.shift();
    }
    if (waiting.length === 0) return;
    if (!isLast) {
      onError(`${label}: ${units(waiting)} ${unit} not sent to the web app yet (${batchNames(waiting)}), kept to send again: ${failure}`);
      return;
    }
    onError(`${label}: ${units(waiting)} ${unit} never reached the web app (${batchNames(waiting)}): ${failure}`);
    waiting = [];
  };

  return { send };
};
