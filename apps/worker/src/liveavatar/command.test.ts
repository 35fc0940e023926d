import { describe, expect, it } from "vitest";
import { resolvePlan, type PlanInput } from "@headroom/estimator";
import { buildLiveAvatarCommand, type LaunchInputs } from "./command.ts";
import { readUpstreamScript } from "./upstream-script.ts";

const PROMPT =
  "A stout, cheerful dwarf with a magnificent braided beard adorned with metal rings, wearing a heavy leather apron. He's standing in his fiery, cluttered forge, laughing heartily as he explains the mastery of his craft, holding up a glowing hammer. Style of Blizzard Entertainment cinematics (like World of Warcraft), warm, dynamic lighting from the forge.";

/** The inputs the upstream scripts hard-code. */
const scriptInputs = (cudaDevices: number[], masterPort: number): LaunchInputs => ({
  checkoutDir: "/opt/LiveAvatar",
  ckptDir: "ckpt/Wan2.2-S2V-14B/",
  loraPath: "Quark-Vision/Live-Avatar",
  image: "examples/dwarven_blacksmith.jpg",
  audio: "examples/dwarven_blacksmith.wav",
  prompt: PROMPT,
  saveFile: "/jobs/42/video.mp4",
  masterPort,
  cudaDevices,
});

const SINGLE = scriptInputs([0], 29101);
const TPP = scriptInputs([0, 1, 2, 3, 4], 29102);

const build = (input: PlanInput, inputs = SINGLE) => {
  const result = buildLiveAvatarCommand(resolvePlan(input), inputs);
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.message}`);
  return result;
};

describe("buildLiveAvatarCommand reproduces the upstream scripts", () => {
  it.each([
    ["single GPU", "infinite_inference_single_gpu.sh", {}, SINGLE],
    ["TPP on 5 GPUs", "infinite_inference_multi_gpu.sh", { hardware: { count: 5 } }, TPP],
  ] as const)("%s: the default Plan builds exactly %s, plus --save_file", (_name, script, input, inputs) => {
    const upstream = readUpstreamScript(script);
    const command = build(input, inputs);
    expect(command.command).toBe("torchrun");
    expect(command.cwd).toBe("/opt/LiveAvatar");
    expect(command.args).toEqual([...upstream.args, "--save_file", "/jobs/42/video.mp4"]);
    expect(command.env).toEqual({ ...upstream.env, PYTHONUNBUFFERED: "1" });
  });

  it("reads the scripts it compares with", () => {
    const single = readUpstreamScript("infinite_inference_single_gpu.sh");
    expect(single.env).toEqual({ CUDA_VISIBLE_DEVICES: "0", NCCL_DEBUG: "WARN", NCCL_DEBUG_SUBSYS: "OFF", ENABLE_COMPILE: "true" });
    expect(single.args.slice(0, 3)).toEqual(["--nproc_per_node=1", "--master_port=29101", "minimal_inference/s2v_streaming_interact.py"]);
    expect(single.args).toContain(PROMPT);
    expect(readUpstreamScript("infinite_inference_multi_gpu.sh").args).toContain("--enable_vae_parallel");
  });
});

describe("flags follow the Plan", () => {
  const toggles: [string, PlanInput][] = [
    ["--t5_cpu", { params: { t5Cpu: true } }],
    ["--offload_kv_cache", { params: { offloadKvCache: true } }],
    ["--enable_online_decode", { params: { enableOnlineDecode: true } }],
    ["--dit_fsdp", { parallel: { ditFsdp: true } }],
    ["--t5_fsdp", { parallel: { t5Fsdp: true } }],
  ];
  it.each(toggles)("%s appears iff set", (name, input) => {
    expect(build(input).args).toContain(name);
    expect(build({}).args).not.toContain(name);
    expect(build({ hardware: { count: 5 } }, TPP).args).not.toContain(name);
  });

  it("drops store_true flags the Plan turns off", () => {
    const args = build({ params: { fp8: false, convertModelDtype: false, loadLora: false } }).args;
    for (const name of ["--fp8", "--convert_model_dtype", "--load_lora", "--lora_path_dmd"]) expect(args).not.toContain(name);
  });

  it("passes values and the env switch", () => {
    const command = build({ params: { size: "384*256", numClip: 5, inferFrames: 12, sampleSteps: 3, sampleGuideScale: 1.5, offloadModel: false, enableCompile: false } });
    const value = (name: string) => command.args[command.args.indexOf(name) + 1];
    expect([value("--size"), value("--num_clip"), value("--infer_frames"), value("--sample_steps"), value("--sample_guide_scale"), value("--offload_model")]).toEqual(["384*256", "5", "12", "3", "1.5", "False"]);
    expect(command.env.ENABLE_COMPILE).toBe("false");
  });

  it("runs one process per GPU in TPP beyond five", () => {
    const command = build({ hardware: { count: 6 } }, { ...TPP, cudaDevices: [2, 3, 4, 5, 6, 7] });
    expect(command.args[0]).toBe("--nproc_per_node=6");
    expect(command.env.CUDA_VISIBLE_DEVICES).toBe("2,3,4,5,6,7");
  });
});

describe("buildLiveAvatarCommand refuses what LiveAvatar cannot run", () => {
  it.each([
    ["params.quantizeOnCpu", { params: { quantizeOnCpu: true } }],
    ["params.precision", { params: { precision: "fp16" } }],
    ["parallel.fsdpWrap", { parallel: { fsdpWrap: "model" } }],
    ["parallel.fsdpCpuOffload", { parallel: { fsdpCpuOffload: true } }],
  ] as [string, PlanInput][])("%s", (field, input) => {
    const result = buildLiveAvatarCommand(resolvePlan(input), SINGLE);
    expect(result).toMatchObject({ ok: false, error: { field } });
  });

  it("refuses a GPU list that does not match the mode", () => {
    expect(buildLiveAvatarCommand(resolvePlan({}), TPP)).toMatchObject({ ok: false, error: { field: "hardware.count" } });
    expect(buildLiveAvatarCommand(resolvePlan({ hardware: { count: 5 } }), SINGLE)).toMatchObject({ ok: false, error: { field: "hardware.count" } });
  });

  it("accepts audioSeconds: it describes the audio, it is not a flag", () => {
    expect(buildLiveAvatarCommand(resolvePlan({ params: { audioSeconds: 12 } }), SINGLE).ok).toBe(true);
  });

  it("passes the clips the audio will run as --num_clip, the number the job's title shows", () => {
    const args = build({ params: { audioSeconds: 12 } }).args;
    // ⌈12 s × 25 FPS / 48 frames⌉ = 7; upstream would cap 10000 there itself
    expect(args[args.indexOf("--num_clip") + 1]).toBe("7");
  });
});
