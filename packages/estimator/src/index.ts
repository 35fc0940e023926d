export * from "./units.ts";
export * from "./sources.ts";
export * from "./gpu-catalog.ts";
export {
  GPU_PRICES, PRICES_READ_ON, dollarsPerHour, dollarsPerVideoMinute, formatDollars, pricePerGpuHour, type GpuPrice, type PricedPlan,
} from "./gpu-prices.ts";
export * from "./plan.ts";
export * from "./plan-fields.ts";
export * from "./plan-query.ts";
export * from "./defaults.ts";
export { clipCount, formatClipCount, type ClipCount } from "./clip-count.ts";
export {
  LIVEAVATAR_ENTRY, SCRIPT_BASE_SEED, SCRIPT_INPUTS, SCRIPT_MASTER_PORTS, TRAINING_CONFIG, launchCommand, launchReport, scriptDifferences, scriptNameFor, scriptPlanFor,
  shellQuote, showScriptValue, type LaunchCommand, type LaunchFlag, type LaunchInputs, type LaunchNote, type LaunchReport, type ScriptDifference,
} from "./launch-command.ts";
export * from "./model-profile.ts";
export * from "./estimate-types.ts";
export { estimate, ESTIMATOR_VERSION } from "./estimate.ts";
export { resolveGpu, type ResolvedGpu } from "./resolve-gpu.ts";
export { ERROR_BAR, HOST_RAM_ERROR_BAR } from "./error-bar.ts";
export { UPSTREAM_KERNELS_BYTES, UPSTREAM_KERNELS_TERM_ID } from "./runtime.ts";
export { PROBE_HOST_TERM_IDS } from "./host-ram.ts";
export * from "./calibration.ts";
export { FITTED, FITTED_SOURCE } from "./fitted.ts";
export { audioEncoderBytes, blockWeightBytes, ditWeightBytes, textEncoderBytes, vaeWeightBytes } from "./weights.ts";
export { condTokensNeeded, kvCacheLayout, kvBytesPerToken } from "./kv-cache.ts";
export { singleDecodeOutputFrames } from "./vae-decode.ts";
export { latentFramesPerClip, tokensPerFrameOf } from "./tokens.ts";
export {
  measuredRunsFrom, nearestMeasurements, type MeasuredNeighbour, type MeasuredPeak, type MeasuredRun, type MeasurementFile,
} from "./nearest-measurements.ts";
export { planDifferences, type PlanDifference } from "./plan-diff.ts";
export { standInOf } from "./stand-in.ts";
export { compareSpeed, median, type SpeedComparison } from "./speed-calibration.ts";
export { KERNEL_FACTORS, KERNEL_SETS, kernelFactor, kernelSet, PROBE_EAGER_FORWARD_SECONDS, UPSTREAM_EAGER_FP8_FORWARD_SECONDS, type KernelFactor, type KernelSet } from "./kernel-factors.ts";
export {
  OFFLOAD_REGIME_SHARE, SPEED_ERROR_BAR, SPEED_REGIMES, formatFpsRange, roundRange, significantFigures, speedRanges, speedRegime,
  type Range, type SpeedErrorBar, type SpeedRanges, type SpeedRegime,
} from "./speed-error-bar.ts";
export {
  FPS_OBSERVATIONS, FORWARD_EXTREMES, OFFLOAD_STEP_EXTREMES, deriveSpeedErrorBar, forwardMiss, fpsMiss, speedMisses,
  type FpsObservation, type ForwardObservation, type SpeedMiss,
} from "./speed-observations.ts";
export { EXAMPLE_IMAGE_SIZE, MAX_AREA_CONFIGS, generationFrame, fitArea, type Frame } from "./frame.ts";
export { DEFAULT_AUDIO_SECONDS, audioEmbBytes } from "./audio-embedding.ts";
export { motionFrames, motionLatentFrames, videosLastFramesBytes } from "./motion-context.ts";
export { measuredKernelFactors, staleKernelFactors, type MeasuredKernelFactor } from "./kernel-fit.ts";
export { observationRows, speedExplanation, type ObservationRow, type SpeedExplanation } from "./speed-evidence.ts";
export { calibrationEvidence, type CalibrationEvidence, type StageSummary } from "./evidence.ts";
export { compareUpstreamPhases, type UpstreamPhaseRow } from "./upstream-phases.ts";
export { compareStageTimings, steadyStep, TIMED_STAGES, type StageTiming, type TimedStage } from "./stage-timings.ts";
