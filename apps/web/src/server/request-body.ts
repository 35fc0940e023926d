// A refused request whose body the client is still sending must be read to its end before the refusal goes out: a
// response sent while bytes are in flight lets the server close the socket under the client, which then sees
// "fetch failed: read ECONNRESET" instead of the 413 (start-check caught it 2 times in 40 on loopback).

/** What is left unread of a refused body is read and dropped up to this many bytes… */
const DRAIN_BYTES = 64 * 1024 * 1024;
/** …and waited for at most this long (a client trickling bytes does not hold the answer longer). */
const DRAIN_MS = 10_000;

export type RequestBody = {
  /** The chunks, in order. Stopping early never cancels the stream (see `requestBody`). */
  chunks: AsyncGenerator<Uint8Array>;
  /** Resolves once the part left unread (all of it, if nothing was read) is drained, within the bounds above. */
  settled: () => Promise<void>;
};

export type DrainBounds = { bytes: number; ms: number };

/**
 * A request body read chunk by chunk; a route awaits `settled()` before it answers. Cancelling the stream instead is
 * not an option: Node's fetch closes a body built from the incoming request in a microtask once that request ends,
 * and if the stream was cancelled first that close throws "ReadableStream is already closed" outside any promise (an
 * uncaughtException in Next).
 */
export const requestBody = (body: ReadableStream<Uint8Array> | null, bounds: DrainBounds = { bytes: DRAIN_BYTES, ms: DRAIN_MS }): RequestBody => {
  let draining: Promise<void> | null = null;
  const chunks = async function* (): AsyncGenerator<Uint8Array> {
    if (!body) return;
    const reader = body.getReader();
    let isDone = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          isDone = true;
          return;
        }
        yield value;
      }
    } finally {
      if (!isDone) draining = drain(reader, bounds);
    }
  };
  const generator = chunks();
  return {
    chunks: generator,
    settled: async () => {
      // closes a reader its consumer left suspended (its `finally` starts the drain); a no-op once it ended
      await generator.return(undefined);
      if (!draining && body && !body.locked) draining = drain(body.getReader(), bounds);
      await draining;
    },
  };
};

/** Reads and drops up to `bounds.bytes`; resolves at the end of the body, at the byte bound, or after `bounds.ms`. */
const drain = (reader: ReadableStreamDefaultReader<Uint8Array>, bounds: DrainBounds): Promise<void> => {
  const read = async () => {
    let drained = 0;
    try {
      while (drained <= bounds.bytes) {
        const { done, value } = await reader.read();
        if (done) return;
        drained += value.byteLength;
      }
      reader.releaseLock();
    } catch {
      // The client went away: nothing left to drain.
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, bounds.ms);
  });
  return Promise.race([read(), timeout]).finally(() => clearTimeout(timer));
};

/** Runs `use` over a request's body and returns only once what it left unread is drained, so any answer is read. */
export const withRequestBody = async <T>(body: ReadableStream<Uint8Array> | null, use: (body: RequestBody) => Promise<T>): Promise<T> => {
  const incoming = requestBody(body);
  try {
    return await use(incoming);
  } finally {
    await incoming.settled();
  }
};

/** The body whole, or null once it passes `maxBytes` (a declared length over it: not read at all). */
export const readCapped = async (body: RequestBody, declaredLength: string | null, maxBytes: number): Promise<Uint8Array<ArrayBuffer> | null> => {
  if (declaredLength !== null && !(Number(declaredLength) <= maxBytes)) return null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body.chunks) {
    total += chunk.byteLength;
    if (total > maxBytes) return null;
    chunks.push(chunk);
  }
  const whole = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return whole;
};
