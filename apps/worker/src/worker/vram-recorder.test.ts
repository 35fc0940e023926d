import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TransferRefused, type WebFiles } from "../transfer/web-files.ts";
import { startVramRecorder } from "./vram-recorder.ts";

const FAKE = fileURLToPath(new URL("../vram/fixtures/fake-nvidia-smi.mjs", import.meta.url));

/** An executable `nvidia-smi` running the fixture: GPU 0 reads 1500, 2000, 2500 … MiB, one reading per tick. */
const fakeNvidiaSmi = () => {
  const path = join(mkdtempSync(join(tmpdir(), "smi-")), "nvidia-smi");
  writeFileSync(path, `#!/bin/sh\nexec '${process.execPath}' '${FAKE}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
};

type Batch = { seq: number; chunks: { gpuIndex: number; samplesMib: number[] }[] };

describe("startVramRecorder", () => {
  it("keeps the batches the web could not take and sends them first once it is back: no sample lost, none twice", async () => {
    const stored: Batch[] = [];
    const tries: number[] = [];
    const log: string[] = [];
    let back = () => {};
    const stored1 = new Promise<void>((resolve) => (back = resolve));
    const post: WebFiles["postBatch"] = async (_jobId, stream, batch) => {
      expect(stream).toBe("vram-samples");
      tries.push(batch.seq);
      // down for three tries (a 502 twice, then no connection): batches 2 and 3 wait behind batch 1
      if (tries.length <= 2) throw new TransferRefused(502, `vram-samples batch ${batch.seq}: 502 Bad Gateway`);
      if (tries.length === 3) throw new TypeError("fetch failed");
      back();
      if (!stored.some((b) => b.seq === batch.seq)) stored.push(batch as unknown as Batch);
    };
    const recorder = startVramRecorder({ jobId: "j1", post, gpus: [0], flushMs: 150, command: fakeNvidiaSmi(), onWarning: (w) => log.push(w), onError: (l) => log.push(l) });
    await stored1;
    const peak = await recorder.stop();

    expect(stored.map((b) => b.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect(stored.length).toBeGreaterThanOrEqual(2);
    const samples = stored.flatMap((b) => b.chunks).flatMap((c) => c.samplesMib);
    expect(samples).toEqual(Array.from({ length: samples.length }, (_, i) => 1500 + 500 * i)); // every reading, in order
    expect(peak).toBe(samples.at(-1)! * 2 ** 20);
    expect(log[0]).toMatch(/^job j1: \d+ VRAM samples not sent to the web app yet \(batch 1\), kept to send again: .*502/);
    expect(log.some((l) => /never reached|dropped/.test(l))).toBe(false);
  });

  it("drops a batch the web refused on purpose (413) and names it", async () => {
    const log: string[] = [];
    let refused = () => {};
    const once = new Promise<void>((resolve) => (refused = resolve));
    const tries: number[] = [];
    const post: WebFiles["postBatch"] = async (_jobId, _stream, batch) => {
      tries.push(batch.seq);
      refused();
      throw new TransferRefused(413, `vram-samples batch ${batch.seq}: 413 the batch is malformed`);
    };
    const recorder = startVramRecorder({ jobId: "j1", post, gpus: [0], flushMs: 150, command: fakeNvidiaSmi(), onWarning: (w) => log.push(w), onError: (l) => log.push(l) });
    await once;
    await recorder.stop();
    expect(tries).toEqual(Array.from({ length: tries.length }, (_, i) => i + 1)); // each number once
    expect(log[0]).toMatch(/^job j1: \d+ VRAM samples not sent to the web app \(batch 1\): vram-samples batch 1: 413/);
  });
});
