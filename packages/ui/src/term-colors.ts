/** One stable color per memory term, so the same term looks the same on every bar and report. */
const COLORS: Record<string, string> = {
  "dit-weights": "#3b6fd8",
  "dit-weights-bf16": "#6d93e6",
  "lora-adapters": "#9db5ef",
  "fsdp-gather": "#7c5cd6",
  "fsdp-flatten": "#a08ae3",
  "fsdp-root-unit": "#5e45b8",
  "kv-cache": "#d9822b",
  "cond-cache": "#e8a85e",
  "dit-activations": "#e0b43a",
  "t5-weights": "#2f9e8f",
  "t5-activations": "#6cc2b6",
  "audio-encoder": "#4aa3c7",
  "media-encode": "#86c5de",
  "vae-weights": "#c2569a",
  "vae-decode": "#d98bbd",
  "previous-frames": "#e9b7d6",
  "cuda-context": "#7d8796",
  nccl: "#a3abb8",
  "allocator-slack": "#c5cbd4",
};

const FALLBACK = ["#5b8c5a", "#8c6d5b", "#5b6d8c", "#8c5b7a"];

export const termColor = (id: string): string => {
  const known = COLORS[id];
  if (known) return known;
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return FALLBACK[hash % FALLBACK.length]!;
};
