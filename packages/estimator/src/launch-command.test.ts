import { describe, expect, it } from "vitest";
import { resolvePlan, type PlanInput } from "./index.ts";
import { clipCount } from "./clip-count.ts";
import { launchCommand, scriptDifferences, shellQuote } from "./launch-command.ts";

// Quoted verbatim from Alibaba-Quark/LiveAvatar @9c2c38d, infinite_inference_single_gpu.sh (whole file).
const SINGLE_GPU_SCRIPT = `CUDA_VISIBLE_DEVICES=0
export NCCL_DEBUG=WARN
export NCCL_DEBUG_SUBSYS=OFF

export ENABLE_COMPILE=true
CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES torchrun --nproc_per_node=1 --master_port=29101  minimal_inference/s2v_streaming_interact.py \\
     --ulysses_size 1 \\
     --task s2v-14B \\
     --size "704*384" \\
     --base_seed 420 \\
     --training_config liveavatar/configs/s2v_causal_sft.yaml \\
     --offload_model True \\
     --convert_model_dtype \\
     --prompt "A stout, cheerful dwarf with a magnificent braided beard adorned with metal rings, wearing a heavy leather apron. He's standing in his fiery, cluttered forge, laughing heartily as he explains the mastery of his craft, holding up a glowing hammer. Style of Blizzard Entertainment cinematics (like World of Warcraft), warm, dynamic lighting from the forge."  \\
     --image "examples/dwarven_blacksmith.jpg" \\
     --audio "examples/dwarven_blacksmith.wav" \\
     --infer_frames 48 \\
     --load_lora \\
     --lora_path_dmd "Quark-Vision/Live-Avatar" \\
     --sample_steps 4 \\
     --sample_guide_scale 0 \\
     --num_clip 10000 \\
     --num_gpus_dit 1 \\
     --sample_solver euler \\
     --single_gpu \\
     --ckpt_dir ckpt/Wan2.2-S2V-14B/ \\
     --fp8
`;

// Quoted verbatim from Alibaba-Quark/LiveAvatar @9c2c38d, infinite_inference_multi_gpu.sh (whole file).
const MULTI_GPU_SCRIPT = `CUDA_VISIBLE_DEVICES=0,1,2,3,4
export NCCL_DEBUG=WARN
export NCCL_DEBUG_SUBSYS=OFF

export ENABLE_COMPILE=true
CUDA_VISIBLE_DEVICES=$CUDA_VISIBLE_DEVICES torchrun --nproc_per_node=5 --master_port=29102  minimal_inference/s2v_streaming_interact.py \\
     --ulysses_size 1 \\
     --task s2v-14B \\
     --size "720*400" \\
     --base_seed 420 \\
     --training_config liveavatar/configs/s2v_causal_sft.yaml \\
     --offload_model False \\
     --convert_model_dtype \\
     --prompt "A stout, cheerful dwarf with a magnificent braided beard adorned with metal rings, wearing a heavy leather apron. He's standing in his fiery, cluttered forge, laughing heartily as he explains the mastery of his craft, holding up a glowing hammer. Style of Blizzard Entertainment cinematics (like World of Warcraft), warm, dynamic lighting from the forge."  \\
     --image "examples/dwarven_blacksmith.jpg" \\
     --audio "examples/dwarven_blacksmith.wav" \\
     --infer_frames 48 \\
     --load_lora \\
     --lora_path_dmd "Quark-Vision/Live-Avatar" \\
     --sample_steps 4 \\
     --sample_guide_scale 0 \\
     --num_clip 10000 \\
     --num_gpus_dit 4 \\
     --sample_solver euler \\
     --enable_vae_parallel \\
     --ckpt_dir ckpt/Wan2.2-S2V-14B/ \\
     --fp8
`;

/** The words a POSIX shell would see: '…' literal, "…" with \\ escapes, backslash-newline joins lines, # starts a comment. */
const shellWords = (text: string): string[][] => {
  const lines: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  const end = () => {
    if (word !== null) words.push(word);
    word = null;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && text[i + 1] === "\n") i++;
    else if (c === "\\") word = (word ?? "") + text[++i];
    else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      word = (word ?? "") + text.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let value = "";
      for (i++; text[i] !== '"'; i++) value += text[i] === "\\" && '$`"\\'.includes(text[i + 1]!) ? text[++i] : text[i];
      word = (word ?? "") + value;
    } else if (c === "#" && word === null) while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    else if (c === "\n") {
      end();
      if (words.length > 0) lines.push(words);
      words = [];
    } else if (c === " " || c === "\t") end();
    else word = (word ?? "") + c;
  }
  end();
  if (words.length > 0) lines.push(words);
  return lines;
};

/** A script as the process it starts: the environment it leaves (plain and exported assignments) and torchrun's argv. */
const asProcess = (text: string) => {
  const env: Record<string, string> = {};
  let argv: string[] = [];
  for (const line of shellWords(text)) {
    const words = line[0] === "export" ? line.slice(1) : line;
    const torchrun = words.indexOf("torchrun");
    for (const assignment of torchrun === -1 ? words : words.slice(0, torchrun)) {
      const [name, value] = assignment.split("=") as [string, string];
      env[name] = value.replace(/^\$(\w+)$/, (_, ref: string) => env[ref] ?? "");
    }
    if (torchrun !== -1) argv = words.slice(torchrun + 1);
  }
  return { env, argv };
};

describe("launchCommand gives the upstream scripts' own commands", () => {
  it.each([
    ["infinite_inference_single_gpu.sh", {}, SINGLE_GPU_SCRIPT],
    ["infinite_inference_multi_gpu.sh", { hardware: { count: 5 } }, MULTI_GPU_SCRIPT],
  ] as [string, PlanInput, string][])("the defaults for %s give its command, env and argv", (_script, input, script) => {
    const command = launchCommand(resolvePlan(input));
    const expected = asProcess(script);
    expect(asProcess(command.text)).toEqual(expected);
    expect(command.args).toEqual(expected.argv);
    expect(Object.fromEntries(command.env)).toEqual(expected.env);
    expect(command.notes).toEqual([]);
  });

  it("reads the quoted scripts as a shell would", () => {
    const single = asProcess(SINGLE_GPU_SCRIPT);
    expect(single.env).toEqual({ CUDA_VISIBLE_DEVICES: "0", NCCL_DEBUG: "WARN", NCCL_DEBUG_SUBSYS: "OFF", ENABLE_COMPILE: "true" });
    expect(single.argv.slice(0, 3)).toEqual(["--nproc_per_node=1", "--master_port=29101", "minimal_inference/s2v_streaming_interact.py"]);
    expect(single.argv).toHaveLength(41); // 3 for torchrun, 21 flags, 17 of them with a value
    expect(single.argv.at(-1)).toBe("--fp8");
  });

  it("writes one flag a line, the scripts' layout, exports first", () => {
    const lines = launchCommand(resolvePlan({})).text.split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "export CUDA_VISIBLE_DEVICES=0",
      "export NCCL_DEBUG=WARN",
      "export NCCL_DEBUG_SUBSYS=OFF",
      "export ENABLE_COMPILE=true",
      "torchrun --nproc_per_node=1 --master_port=29101 minimal_inference/s2v_streaming_interact.py \\",
    ]);
    expect(lines).toContain('     --size "704*384" \\');
    expect(lines.at(-1)).toBe("     --fp8");
  });
});

describe("the plan's flags", () => {
  const argsOf = (input: PlanInput) => launchCommand(resolvePlan(input)).args;
  it.each([
    ["--t5_cpu", { params: { t5Cpu: true } }],
    ["--offload_kv_cache", { params: { offloadKvCache: true } }],
    ["--enable_online_decode", { params: { enableOnlineDecode: true } }],
    ["--dit_fsdp", { hardware: { count: 5 }, parallel: { ditFsdp: true } }],
    ["--t5_fsdp", { hardware: { count: 5 }, parallel: { t5Fsdp: true } }],
  ] as [string, PlanInput][])("%s appears iff set", (flag, input) => {
    expect(argsOf(input)).toContain(flag);
    expect(argsOf({ hardware: input.hardware })).not.toContain(flag);
  });

  it("takes the job's uploads and prompt, quoted for a shell", () => {
    const command = launchCommand(resolvePlan({}), { image: "uploads/ref image.png", audio: "voice.wav", prompt: "It's $5 — \"quoted\"!" });
    expect(asProcess(command.text).argv).toEqual(command.args);
    expect(command.args).toContain("uploads/ref image.png");
    expect(command.args).toContain("It's $5 — \"quoted\"!");
    expect(shellQuote("It's")).toBe(`"It's"`);
    expect(shellQuote("$HOME")).toBe("'$HOME'");
  });

  it("passes the clips that will run once the audio's length is known", () => {
    const plan = resolvePlan({ params: { numClip: 100, audioSeconds: 7.5 } });
    const args = launchCommand(plan).args;
    // ⌈7.5 s × 25 FPS / 48⌉ = 4 clips
    expect(args[args.indexOf("--num_clip") + 1]).toBe("4");
    expect(clipCount(plan)).toEqual({ clips: 4, videoSeconds: 7.68, isCappedByAudio: true, numClipFlag: 4 });
  });

  it("names Headroom's loader patch where the plan needs it, as a comment above the command", () => {
    const command = launchCommand(resolvePlan({ params: { quantizeOnCpu: true } }));
    expect(command.text.split("\n")[0]).toMatch(/^# This plan needs Headroom's loader patch \(--quantize-on-cpu/);
    expect(command.notes.map((note) => note.kind)).toEqual(["headroom-patch"]);
    expect(command.args).not.toContain("--quantize-on-cpu");
    expect(launchCommand(resolvePlan({ params: { quantizeOnCpu: true, fp8: false } })).notes).toEqual([]);
  });

  it("says aloud what no flag carries: the field report's settings and idle GPUs", () => {
    const notes = launchCommand(resolvePlan({ hardware: { count: 5 }, params: { precision: "fp16" }, parallel: { mode: "single", fsdpCpuOffload: true } })).notes;
    expect(notes.map((note) => note.field)).toEqual(["precision", "fsdp_cpu_offload", "mode"]);
    expect(notes.at(-1)?.text).toBe("mode single runs one process: 4 of the 5 GPUs stay idle.");
  });
});

describe("scriptDifferences", () => {
  it("is empty for the scripts' own plans", () => {
    expect(scriptDifferences(resolvePlan({}))).toEqual([]);
    expect(scriptDifferences(resolvePlan({ hardware: { count: 5 } }))).toEqual([]);
  });

  it("lists every flag the plan changes against the script for its GPU count, default → plan", () => {
    const plan = resolvePlan({ hardware: { count: 5 }, params: { t5Cpu: true, fp8: false, numClip: 100, enableCompile: false } });
    expect(scriptDifferences(plan)).toEqual([
      { flag: "ENABLE_COMPILE", script: "true", plan: "false" },
      { flag: "--num_clip", script: "10000", plan: "100" },
      { flag: "--fp8", script: "", plan: null },
      { flag: "--t5_cpu", script: null, plan: "" },
    ]);
  });

  it("compares one GPU with the single-GPU script", () => {
    expect(scriptDifferences(resolvePlan({ params: { size: "720*400", offloadModel: false } }))).toEqual([
      { flag: "--size", script: "704*384", plan: "720*400" },
      { flag: "--offload_model", script: "True", plan: "False" },
    ]);
  });
});
