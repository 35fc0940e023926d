// After a refusal the rest of the body is read and dropped up to this many bytes, so the connection ends cleanly.
const DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * The chunks of a request body. Stopping early (an over-limit upload) never cancels the stream: Node's fetch closes a
 * body built from the incoming request in a microtask once that request ends, and if the stream was cancelled first
 * that close throws "ReadableStream is already closed" outside any promise (an uncaughtException in Next). The rest is
 * drained in the background instead, up to `DRAIN_BYTES`, then left unread.
 */
export async function* readRequestBody(body: ReadableStream<Uint8Array> | null, drainBytes = DRAIN_BYTES): AsyncGenerator<Uint8Array> {
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
    if (!isDone) void drain(reader, drainBytes);
  }
}

/**
 * A body refused before it was read (its declared length is over the limit): read and dropped in the background, up to
 * `DRAIN_BYTES`, so the client, still sending, gets to read the refusal. A socket closed mid-send reaches an HTTP
 * client as a network error, not as the 413 (Node's fetch in the attack replay saw "fetch failed").
 */
export const dropRequestBody = (body: ReadableStream<Uint8Array> | null, drainBytes = DRAIN_BYTES): void => {
  if (body) void drain(body.getReader(), drainBytes);
};

const drain = async (reader: ReadableStreamDefaultReader<Uint8Array>, drainBytes: number) => {
  let drained = 0;
  try {
    while (drained <= drainBytes) {
      const { done, value } = await reader.read();
      if (done) return;
      drained += value.byteLength;
    }
    reader.releaseLock();
  } catch {
    // The client went away: nothing left to drain.
  }
};
