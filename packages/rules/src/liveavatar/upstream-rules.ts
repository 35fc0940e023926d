import { SINGLE_GPU_PARALLEL, SUPPORTED_SIZES, TPP_PARALLEL, type PlanPatch } from "@headroom/estimator";
import type { Fix, Rule } from "../rule.ts";
import { isSupportedSize, nearestSupportedSize } from "./sizes.ts";

const ENTRY = "minimal_inference/s2v_streaming_interact.py";
const SPEC = "liveavatar.md";
const FAMILY = "upstream-constraint";

/** The launch scripts' layouts: upstream picks the mode from WORLD_SIZE and asserts the rest. */
const TO_SINGLE: PlanPatch = { hardware: { count: 1 }, parallel: SINGLE_GPU_PARALLEL };
const TO_TPP: PlanPatch = { hardware: { count: 5 }, parallel: TPP_PARALLEL, params: { offloadModel: false } };
const singleFix: Fix = { label: "run on one GPU (infinite_inference_single_gpu.sh layout)", patch: TO_SINGLE };
const tppFix: Fix = { label: "run TPP on 5 GPUs: 4 DiT + 1 VAE (infinite_inference_multi_gpu.sh layout)", patch: TO_TPP };
const tppLayoutFix: Fix = { label: "switch to TPP: 4 DiT + 1 VAE", patch: { parallel: TPP_PARALLEL, params: { offloadModel: false } } };

export const UPSTREAM_RULES: Rule[] = [
  {
    id: "upstream/world-size",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [ENTRY, SPEC],
    check: ({ plan }) => {
      const { count } = plan.hardware;
      return count === 1 || count >= 5
        ? null
        : { message: `${count} GPUs: LiveAvatar runs on 1 GPU or on 5 or more (TPP); ${count} is not a layout it supports`, path: ["hardware", "count"] };
    },
    // The nearer layout first: 2 GPUs are closer to 1, 3–4 are closer to 5.
    fixes: ({ plan }) => (plan.hardware.count <= 2 ? [singleFix, tppFix] : [tppFix, singleFix]),
  },
  {
    id: "upstream/single-needs-one-gpu",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [ENTRY, SPEC],
    check: ({ plan }) =>
      plan.parallel.mode === "single" && plan.hardware.count > 1
        ? { message: `mode single with ${plan.hardware.count} GPUs: upstream runs single-GPU only when WORLD_SIZE is 1`, path: ["parallel", "mode"] }
        : null,
    fixes: ({ plan }) => (plan.hardware.count >= 5 ? [tppLayoutFix, singleFix] : [singleFix]),
  },
  {
    id: "upstream/single-flags",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [ENTRY, SPEC],
    check: ({ plan }) => {
      const { mode, numGpusDit, ditFsdp, t5Fsdp } = plan.parallel;
      if (mode !== "single") return null;
      const wrong = [numGpusDit !== 1 ? "num_gpus_dit" : null, ditFsdp ? "dit_fsdp" : null, t5Fsdp ? "t5_fsdp" : null].filter((flag) => flag !== null);
      if (wrong.length === 0) return null;
      const key = numGpusDit !== 1 ? "numGpusDit" : ditFsdp ? "ditFsdp" : "t5Fsdp";
      return { message: `single-GPU mode forces num_gpus_dit 1 and refuses --dit_fsdp and --t5_fsdp; this plan sets ${wrong.join(", ")}`, path: ["parallel", key] };
    },
    fixes: () => [{ label: "num_gpus_dit 1, no FSDP", patch: { parallel: { numGpusDit: 1, ditFsdp: false, t5Fsdp: false } } }],
  },
  {
    id: "upstream/tpp-needs-five-gpus",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [ENTRY, SPEC],
    check: ({ plan }) =>
      plan.parallel.mode === "tpp" && plan.hardware.count < 5
        ? { message: `TPP needs at least 5 GPUs (4 DiT + 1 VAE); this plan has ${plan.hardware.count}`, path: ["hardware", "count"] }
        : null,
    fixes: () => [{ label: "use 5 GPUs", patch: { hardware: { count: 5 } } }, singleFix],
  },
  {
    id: "upstream/tpp-layout",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [ENTRY, SPEC],
    check: ({ plan }) => {
      const { mode, numGpusDit, enableVaeParallel } = plan.parallel;
      if (mode !== "tpp" || (numGpusDit === 4 && enableVaeParallel)) return null;
      return numGpusDit !== 4
        ? { message: `TPP asserts num_gpus_dit == 4; this plan sets ${numGpusDit}`, path: ["parallel", "numGpusDit"] }
        : { message: "TPP asserts --enable_vae_parallel (one GPU decodes while four run the DiT)", path: ["parallel", "enableVaeParallel"] };
    },
    fixes: () => [{ label: "num_gpus_dit 4 with VAE parallel", patch: { parallel: { numGpusDit: 4, enableVaeParallel: true } } }],
  },
  {
    id: "upstream/ulysses-unsupported",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: [ENTRY, SPEC],
    check: ({ plan }) =>
      plan.parallel.ulyssesSize > 1
        ? { message: `ulysses_size ${plan.parallel.ulyssesSize}: sequence parallel is asserted off upstream ("not supported")`, path: ["parallel", "ulyssesSize"] }
        : null,
    fixes: () => [{ label: "ulysses_size 1", patch: { parallel: { ulyssesSize: 1 } } }],
  },
  {
    id: "upstream/supported-size",
    severity: "error",
    family: FAMILY,
    implies: "invalid",
    cites: ["liveavatar/models/wan/wan_2_2/configs (SUPPORTED_SIZES['s2v-14B'])", SPEC],
    check: ({ plan }) =>
      isSupportedSize(plan.params.size)
        ? null
        : { message: `size ${plan.params.size} is not one of LiveAvatar's sizes (${SUPPORTED_SIZES.join(", ")})`, path: ["params", "size"] },
    fixes: ({ plan }) => {
      const size = nearestSupportedSize(plan.params.size);
      return [{ label: `nearest supported size ${size}`, patch: { params: { size } } }];
    },
  },
  {
    id: "upstream/tpp-idle-gpus",
    severity: "info",
    family: FAMILY,
    implies: "runs",
    cites: [ENTRY, SPEC],
    check: ({ plan }) =>
      plan.parallel.mode === "tpp" && plan.hardware.count > 5
        ? { message: `TPP uses 5 GPUs (4 DiT + 1 VAE); the other ${plan.hardware.count - 5} sit idle`, path: ["hardware", "count"] }
        : null,
    fixes: () => [{ label: "use 5 GPUs", patch: { hardware: { count: 5 } } }],
  },
];
