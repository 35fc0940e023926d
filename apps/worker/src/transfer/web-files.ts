import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as delay } from "node:timers/promises";
import type { ArtifactKind } from "@headroom/db";

/** The header naming this host (its worker_host id): the web checks the job runs there (apps/web worker-api). */
const HOST_HEADER = "x-headroom-host";

export type WebFilesOptions = {
  /** The web app's address, e.g. http://127.0.0.1:3000 */
  webUrl: string;
  /** The host token's secret (read on every request: the worker learns it at start). */
  secret: () => string;
  /** This host's worker_host id, known once it has registered. */
  hostId: () => string | null;
  /** Tries per transfer before it counts as failed; 1, 2, 4 … s apart. */
  tries?: number;
  /** Tests pass a fetch that drops the connection part way. */
  fetch?: typeof fetch;
};

export type WebFiles = {
  /** Streams a job's input to `dest`, checking its size and SHA-256 against the stored asset; throws when they differ. */
  downloadInput: (jobId: string, asset: { id: string; bytes: number; sha256: string }, dest: string) => Promise<void>;
  /** Uploads a result, resuming from what the web already has after a dropped connection; stored once per name. */
  uploadArtifact: (jobId: string, kind: ArtifactKind, path: string) => Promise<void>;
  /**
   * Posts one numbered batch of a job's run log, progress and phase (`events`) or VRAM chunks (`vram-samples`) as
   * JSON, retried like an upload; the web stores a batch number once, so a retry after a lost answer adds nothing.
   */
  postBatch: (jobId: string, stream: ReportStream, batch: { seq: number; [field: string]: unknown }) => Promise<void>;
};

/** The web's worker API routes for a running job's reports (apps/web worker-api/receive-reports.ts). */
export type ReportStream = "events" | "vram-samples";

/** A refusal the web answered on purpose (no retry helps): revoked token, no claim, a file over its limit. */
export class TransferRefused extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "TransferRefused";
    this.status = status;
  }
}

/** A refusal on purpose (4xx): final, unlike a network failure or a 5xx, which a later try may get through. */
export const isRefusal = (error: unknown): error is TransferRefused => error instanceof TransferRefused && error.status < 500;

const refusal = async (response: Response, what: string) => {
  const body = (await response.json().catch(() => null)) as { error?: string } | null;
  return new TransferRefused(response.status, `${what}: ${response.status} ${body?.error ?? response.statusText}`);
};

const sha256Of = async (path: string) => {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
};

export const createWebFiles = (options: WebFilesOptions): WebFiles => {
  const doFetch = options.fetch ?? fetch;
  const tries = options.tries ?? 5;
  const base = options.webUrl.replace(/\/$/, "");
  const headers = (): Record<string, string> => ({ authorization: `Bearer ${options.secret()}`, [HOST_HEADER]: options.hostId() ?? "" });

  /** Retries a network failure or a 5xx; a 4xx the web meant is thrown at once. */
  const retrying = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await fn();
      } catch (error) {
        if (isRefusal(error) || attempt >= tries) throw error;
        await delay(Math.min(1000 * 2 ** (attempt - 1), 8000));
      }
    }
  };

  const downloadInput: WebFiles["downloadInput"] = (jobId, asset, dest) =>
    retrying(`input ${asset.id}`, async () => {
      const response = await doFetch(`${base}/api/worker/jobs/${jobId}/inputs/${asset.id}`, { headers: headers() });
      if (!response.ok || !response.body) throw await refusal(response, `input ${asset.id}`);
      await mkdir(dirname(dest), { recursive: true });
      const part = `${dest}.part`;
      const hash = createHash("sha256");
      let bytes = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), count, createWriteStream(part));
      const sha256 = hash.digest("hex");
      if (bytes !== asset.bytes || sha256 !== asset.sha256) {
        await rm(part, { force: true });
        throw new Error(`input ${asset.id} arrived as ${bytes} bytes with SHA-256 ${sha256.slice(0, 12)}…, not the stored ${asset.bytes} bytes ${asset.sha256.slice(0, 12)}…`);
      }
      await rename(part, dest);
    });

  const uploadArtifact: WebFiles["uploadArtifact"] = async (jobId, kind, path) => {
    const length = (await stat(path)).size;
    const sha256 = await sha256Of(path);
    const url = `${base}/api/worker/jobs/${jobId}/artifacts/${encodeURIComponent(basename(path))}?kind=${kind}`;
    let offset = 0;
    let resumed = false;
    await retrying(`${kind} ${basename(path)}`, async () => {
      if (resumed) {
        // after a dropped connection: what did the web keep?
        const head = await doFetch(url, { method: "HEAD", headers: headers() });
        if (!head.ok) throw await refusal(head, `${kind} ${basename(path)}`);
        const have = Number(head.headers.get("upload-offset") ?? "0");
        if (head.headers.get("upload-complete") === "?1" && have === length) return;
        offset = have <= length ? have : 0;
      }
      resumed = true;
      const body = Readable.toWeb(createReadStream(path, { start: offset })) as ReadableStream<Uint8Array>;
      const response = await doFetch(url, {
        method: "PUT",
        headers: { ...headers(), "upload-offset": String(offset), "upload-length": String(length), "x-content-sha256": sha256 },
        body,
        duplex: "half",
      } as RequestInit);
      if (response.status === 409) throw new Error(`${kind} ${basename(path)}: the web has ${response.headers.get("upload-offset")} bytes, not ${offset}`);
      if (!response.ok) throw await refusal(response, `${kind} ${basename(path)}`);
      await response.body?.cancel();
      if (response.headers.get("upload-complete") !== "?1") throw new Error(`${kind} ${basename(path)}: the web has ${response.headers.get("upload-offset")} of ${length} bytes`);
    });
  };

  const postBatch: WebFiles["postBatch"] = (jobId, stream, batch) =>
    retrying(`${stream} batch ${batch.seq}`, async () => {
      const response = await doFetch(`${base}/api/worker/jobs/${jobId}/${stream}`, {
        method: "POST",
        headers: { ...headers(), "content-type": "application/json" },
        body: JSON.stringify(batch),
      });
      if (!response.ok) throw await refusal(response, `${stream} batch ${batch.seq}`);
      await response.body?.cancel();
    });

  return { downloadInput, uploadArtifact, postBatch };
};
