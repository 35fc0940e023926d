import type { ModelProfile } from "./model-profile.ts";
import { BF16_BYTES } from "./weights.ts";

/** Audio length assumed until a file is uploaded or `--audio-seconds` is given. */
export const DEFAULT_AUDIO_SECONDS = 60;

/** get_audio_embed_bucket_fps: one row per video frame, padded to whole clips of infer_frames. */
export const audioEmbFrames = (audioSeconds: number, inferFrames: number, profile: ModelProfile): number =>
  (Math.floor((audioSeconds * profile.sampleFps) / inferFrames) + 1) * inferFrames;

/** audio_emb [1, 25 layers, 1024, frames] bf16: ~51 KB per video frame, on every GPU for the whole run (encode_audio). */
export const audioEmbBytes = (audioSeconds: number, inferFrames: number, profile: ModelProfile): number =>
  profile.audioEmbLayers * profile.audioEmbDim * BF16_BYTES * audioEmbFrames(audioSeconds, inferFrames, profile);
