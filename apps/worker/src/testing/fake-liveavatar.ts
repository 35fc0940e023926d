import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseWorkerConfig, type WorkerConfig } from "../env.ts";
import { LIVEAVATAR_ENTRY } from "../liveavatar/command.ts";
import { makeWav } from "./make-wav.ts";

const FAKE = fileURLToPath(new URL("../liveavatar/fixtures/fake-torchrun.mjs", import.meta.url));

/** A host with a LiveAvatar checkout and weights folder, a `torchrun` that replays `scenario`, and job inputs. */
/** `ffmpeg`: write a real MP4 from the inputs; else the smallest box layout the MP4 check takes. `garbageVideo`: a file no MP4 check accepts. */
export const fakeLiveAvatarHost = (scenario: string, options: { ffmpeg?: string; garbageVideo?: boolean } = {}) => {
  const root = mkdtempSync(join(tmpdir(), "liveavatar-"));
  const checkout = join(root, "LiveAvatar");
  mkdirSync(join(checkout, "minimal_inference"), { recursive: true });
  mkdirSync(join(checkout, "ckpt/Wan2.2-S2V-14B"), { recursive: true });
  writeFileSync(join(checkout, LIVEAVATAR_ENTRY), "# stand-in\n");
  const record = join(root, "call.json");
  const torchrun = join(root, "torchrun");
  writeFileSync(torchrun, `#!/bin/sh\n${options.ffmpeg ? `FAKE_FFMPEG='${options.ffmpeg}' ` : ""}${options.garbageVideo ? "FAKE_GARBAGE_VIDEO=1 " : ""}FAKE_SCENARIO='${scenario}' FAKE_RECORD='${record}' exec '${process.execPath}' '${FAKE}' "$@"\n`);
  chmodSync(torchrun, 0o755);
  const image = join(root, "face.jpg");
  const audio = join(root, "voice.wav");
  writeFileSync(image, "jpeg");
  writeFileSync(audio, makeWav(5)); // 5 s → int(5 · 25 / 48) + 1 = 3 clips
  const config: WorkerConfig = { ...parseWorkerConfig({ HEADROOM_LIVEAVATAR_DIR: checkout, HEADROOM_TORCHRUN: torchrun }), cancelGraceMs: 500 };
  return { root, checkout, config, record, image, audio, outputDir: join(root, "job") };
};
