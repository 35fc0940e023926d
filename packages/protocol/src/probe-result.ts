import { z } from "zod";

const PhasePeaks = z.looseObject({ allocated: z.number(), reserved: z.number(), deviceUsed: z.number(), seconds: z.number().optional() });

/** The fields of the probe's result event the worker reads (headroom_probe/runner.py `_result`); the rest is kept. */
export const ProbeResult = z.looseObject({
  type: z.literal("result"),
  rank: z.number().int(),
  world: z.number().int(),
  role: z.string(),
  device: z.string(),
  /**
   * "tiny": the probe ran CPU test shapes (cli.py picks it where there is no GPU), so its peaks measure the
   * pipeline, not the plan: a smoke run. "full": LiveAvatar's shapes. Absent only in hand-made results.
   */
  scale: z.enum(["full", "tiny"]).optional(),
  gpu: z.string(),
  torchVersion: z.string(),
  /** true: fits; false: a measured out-of-memory (oomPhase, needBytes); null: the probe itself failed. */
  fits: z.boolean().nullable(),
  oomPhase: z.string().nullable(),
  needBytes: z.number().nullable(),
  oomMessage: z.string().nullable(),
  error: z.string().nullable(),
  phases: z.record(z.string(), PhasePeaks),
  peakAllocated: z.number(),
  peakReserved: z.number(),
  peakDeviceUsed: z.number(),
  capBytes: z.number().nullable(),
  secondsPerForward: z.number().nullable(),
  secondsPerStep: z.number().nullable(),
  wallSeconds: z.number(),
});
export type ProbeResult = z.infer<typeof ProbeResult>;
