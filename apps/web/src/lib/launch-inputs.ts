import { showScriptValue, type LaunchInputs, type ScriptDifference } from "@headroom/estimator";

/** An upload as the launch command names it: the picked file's name, or a stand-in with the type's extension. */
export type UploadName = { kind: "image" | "audio"; mime: string; name?: string | undefined };

// The types the upload route accepts, with sniff.ts's extensions; anything else keeps a neutral one.
const EXTENSIONS: Record<string, string> = {
  "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "audio/wav": "wav", "audio/flac": "flac", "audio/mpeg": "mp3", "audio/mp4": "m4a",
};

/** "voice.wav" as picked; else "reference.png" / "audio.wav", the file to download from the job beside the command. */
export const uploadPath = (upload: UploadName): string =>
  upload.name?.trim() || `${upload.kind === "image" ? "reference" : "audio"}.${EXTENSIONS[upload.mime] ?? (upload.kind === "image" ? "img" : "audio")}`;

/** The launch command's image, audio and prompt: each upload the job has (or the draft holds), else the script's example. */
export const launchInputsFor = (uploads: readonly (UploadName | null)[], prompt: string | null): LaunchInputs => {
  const image = uploads.find((upload) => upload?.kind === "image");
  const audio = uploads.find((upload) => upload?.kind === "audio");
  return {
    ...(image ? { image: uploadPath(image) } : {}),
    ...(audio ? { audio: uploadPath(audio) } : {}),
    ...(prompt?.trim() ? { prompt: prompt.trim() } : {}),
  };
};

export const describeDifference = (difference: ScriptDifference): { flag: string; script: string; plan: string } => ({
  flag: difference.flag,
  script: showScriptValue(difference.script, difference.plan),
  plan: showScriptValue(difference.plan, difference.script),
});
