import { catalogGpuId, compareHostRam, compareInstruments, compareMeasurement, compareSpeed, compareStageTimings, estimate, SPEED_ERROR_BAR, steadyStep, FPS_OBSERVATIONS, GIB, HOST_RAM_ERROR_BAR, KERNEL_FACTORS, Measurement, measuredKernelFactors, FORWARD_EXTREMES, OFFLOAD_STEP_EXTREMES, PROBE_EAGER_FORWARD_SECONDS, staleKernelFactors, summarizeCalibration, UPSTREAM_EAGER_FP8_FORWARD_SECONDS, UPSTREAM_KERNELS_BYTES } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { readMeasurements } from "./read-measurements.ts";
import { runCli, type Io } from "./run-cli.ts";

/**
 * Holds the estimator to its stated error bar on every measurement committed under data/measurements:
 * each rank's predicted peak within max(3 %, 0.5 GiB) of the measured one, and the same fit/OOM verdict; and, where the
 * probe read host RAM, each process's peak RSS within max(10 %, 2 GiB) of the host terms the probe reproduces.
 */
const files = readMeasurements(null);
const measurements = files.map((file) => Measurement.parse(file.json));

describe("calibration against data/measurements", () => {
  it("has measurements to hold the estimator to", () => {
    expect(measurements.length).toBeGreaterThanOrEqual(12);
  });
  it.each(measurements.map((m) => [m.id, m] as const))("%s: peak within the error bar, fit/OOM verdict agrees", (_, m) => {
    const comparison = compareMeasurement(m);
    expect(comparison.verdictAgrees, `measured ${comparison.measuredFits ? "fits" : "OOM"}, predicted ${comparison.predictedFits ? "fits" : "OOM"}`).toBe(true);
    for (const peak of comparison.peaks) {
      expect(Math.abs(peak.errorBytes) / GIB, `rank ${peak.rank}: predicted ${(peak.predictedBytes / GIB).toFixed(2)} GiB, measured ${(peak.measuredBytes / GIB).toFixed(2)} GiB`).toBeLessThanOrEqual(peak.allowedBytes / GIB);
    }
  });
  it("would fail on a measurement the estimator misses by more than the bar", () => {
    const m = measurements.find((candidate) => candidate.ranks.every((rank) => rank.fits))!;
    const doctored: Measurement = {
      ...m,
      ranks: m.ranks.map((rank) => ({ ...rank, phases: Object.fromEntries(Object.entries(rank.phases).map(([phase, r]) => [phase, { ...r, deviceUsed: r.deviceUsed + 2 * GIB }])) })),
    };
    expect(compareMeasurement(doctored).peaks.some((peak) => !peak.isWithin)).toBe(true);
  });
  describe("speed against the roofline", () => {
    const timed = measurements.flatMap((m) => compareSpeed(m) ?? []);
    it("names the catalog card of every device the probe ran on", () => {
      for (const m of measurements) expect(catalogGpuId(m.gpu), m.gpu).not.toBeNull();
      expect(catalogGpuId("NVIDIA H200")).toBe("h200");
      expect(catalogGpuId("NVIDIA GeForce GTX 1080")).toBeNull();
    });
    it("times every run that completed a forward, and none beats the datasheet roofline", () => {
      expect(timed.length).toBe(measurements.filter((m) => m.ranks.some((rank) => rank.fits === true && rank.secondsPerForward)).length);
      for (const row of timed) expect(row.measuredSeconds, row.id).toBeGreaterThan(row.rooflineSeconds);
    });
    // The eager kernel factors are read off upstream's eager fp8 run and the probe's bf16/fp8 pair at the single-GPU
    // script's plan: the copies must match the files.
    it("the eager forwards KERNEL_FACTORS cites are upstream's and the probe's medians in data/measurements", () => {
      const seconds = (id: string) => timed.find((row) => row.id === id)!.measuredSeconds;
      expect(seconds("upstream-704x384-eager-c2")).toBeCloseTo(UPSTREAM_EAGER_FP8_FORWARD_SECONDS, 3);
      expect(seconds("h200-704x384-default-c2")).toBeCloseTo(PROBE_EAGER_FORWARD_SECONDS.fp8, 3);
      expect(seconds("h200-704x384-bf16-c2")).toBeCloseTo(PROBE_EAGER_FORWARD_SECONDS.bf16, 3);
    });
    const upstreamRows = timed.filter((row) => {
      const m = measurements.find((candidate) => candidate.id === row.id)!;
      // the SDPA run swaps out upstream's cuDNN self-attention: it is a kernel factor, not the forward's line
      return m.instrument.kind === "upstream" && m.selfAttention !== "sdpa";
    });
    it("upstream's own forwards: at 704×384 within 15 % of launch + roofline × the kernel factor on every card and host; at 384×256 (launch-bound, the host's pace) inside speed's compute bar", () => {
      expect(upstreamRows.length).toBeGreaterThanOrEqual(8);
      const sizeOf = (row: { id: string }) => measurements.find((m) => m.id === row.id)!.plan.params.size;
      expect(new Set(upstreamRows.map(sizeOf)).size).toBeGreaterThanOrEqual(2);
      const large = upstreamRows.filter((row) => sizeOf(row) === "704*384");
      expect(new Set(large.map((row) => measurements.find((m) => m.id === row.id)!.machine)).size).toBeGreaterThanOrEqual(3);
      for (const row of large) expect(Math.abs(row.measuredSeconds / row.predictedSeconds - 1), row.id).toBeLessThan(0.15);
      const { slower, faster } = SPEED_ERROR_BAR.compute;
      for (const row of upstreamRows) {
        expect(row.measuredSeconds / row.predictedSeconds, row.id).toBeLessThan(slower);
        expect(row.predictedSeconds / row.measuredSeconds, row.id).toBeLessThan(faster);
      }
    });
    it("the probe's eager forwards at 688×368 and up run at 0.85–1.1× the prediction (its eager kernels run up to 11 % under upstream's)", () => {
      const large = timed.filter((row) => {
        const m = measurements.find((candidate) => candidate.id === row.id)!;
        return m.instrument.kind === "probe" && m.plan.parallel.mode === "single" && !m.plan.params.size.startsWith("384");
      });
      expect(large.length).toBeGreaterThanOrEqual(10);
      for (const row of large) {
        expect(row.measuredSeconds / row.predictedSeconds, row.id).toBeGreaterThan(0.85);
        expect(row.measuredSeconds / row.predictedSeconds, row.id).toBeLessThan(1.1);
      }
    });
    it("times decode and re-encode per clip within 15 % of upstream's runs on the H200 (the rate is fitted there) and on both H100 machines (the H200's bf16 peak, 0.70 of its bandwidth: the memory share scales with it), the probe's 0.5.0 VAE within 10 % on the H100, its older VAE at 0.75–1.0× on the H200 (it ran ~17 % faster than upstream's before 0.5.0), and reads a KV copy as a step less its forward", () => {
      const stages = measurements.flatMap(compareStageTimings);
      const vae = stages.filter((row) => row.stage === "vae-decode" || row.stage === "vae-reencode");
      expect(vae.length).toBeGreaterThanOrEqual(20);
      const onH100 = (row: { id: string }) => measurements.find((m) => m.id === row.id)!.gpu.includes("H100");
      const upstreamVae = vae.filter((row) => row.instrument === "upstream");
      expect(upstreamVae.filter((row) => !onH100(row)).length).toBeGreaterThanOrEqual(2);
      expect(upstreamVae.filter(onH100).length).toBeGreaterThanOrEqual(8);
      for (const row of upstreamVae) expect(Math.abs(row.measuredSeconds / row.predictedSeconds - 1), `${row.id} ${row.stage}`).toBeLessThan(0.15);
      for (const row of vae.filter((r) => r.instrument === "probe" && !onH100(r))) {
        expect(row.measuredSeconds / row.predictedSeconds, `${row.id} ${row.stage}`).toBeGreaterThan(0.75);
        expect(row.measuredSeconds / row.predictedSeconds, `${row.id} ${row.stage}`).toBeLessThan(1);
      }
      // probe 0.5.0 on the H100: its VAE under autocast as upstream's
      for (const row of vae.filter((r) => r.instrument === "probe" && onH100(r))) expect(Math.abs(row.measuredSeconds / row.predictedSeconds - 1), `${row.id} ${row.stage}`).toBeLessThan(0.1);
      const kv = stages.filter((row) => row.stage === "kv-copy-per-step");
      expect(kv.length).toBeGreaterThanOrEqual(2);
      for (const row of kv) {
        const rank = measurements.find((m) => m.id === row.id)!.ranks[0]!;
        expect(row.measuredSeconds).toBeCloseTo(steadyStep(rank)!.copySeconds, 9);
      }
    });
    it("upstream's own timed runs, where committed, agree with the kernel factors in use within 10 %", () => {
      expect(staleKernelFactors(measuredKernelFactors(measurements), KERNEL_FACTORS)).toEqual([]);
    });
    // SPEED_ERROR_BAR's compute side also rests on upstream's slowest and fastest forward against the prediction.
    it("upstream's extremes that speed's error bar cites are still the extremes in data/measurements", () => {
      const ratio = (row: { measuredSeconds: number; predictedSeconds: number }) => row.measuredSeconds / row.predictedSeconds;
      const sorted = [...upstreamRows].sort((a, b) => ratio(b) - ratio(a));
      const [slowest, fastest] = FORWARD_EXTREMES;
      expect(sorted[0]!.id).toBe(slowest!.id);
      expect(sorted.at(-1)!.id).toBe(fastest!.id);
      expect(ratio(sorted[0]!)).toBeCloseTo(ratio(slowest!), 2);
      expect(ratio(sorted.at(-1)!)).toBeCloseTo(ratio(fastest!), 2);
    });
    it("every offloaded step, upstream's and the probe's, at 384×256 and 704×384, runs at a long run's pace within 0.99–1.2× the prediction on the hosts the copy rates come from, and under 1.45× on a second H100 host (KV copies by tensor size)", () => {
      const steps = measurements.flatMap(compareStageTimings).filter((row) => row.stage === "offload-step");
      expect(new Set(steps.map((row) => row.instrument)).size).toBe(2);
      const onSecondHost = (row: { id: string }) => row.id.endsWith("-host2");
      expect(steps.filter(onSecondHost).length).toBeGreaterThanOrEqual(2);
      for (const row of steps) {
        expect(row.measuredSeconds / row.predictedSeconds, row.id).toBeGreaterThan(0.99);
        expect(row.measuredSeconds / row.predictedSeconds, row.id).toBeLessThan(onSecondHost(row) ? 1.45 : 1.2);
      }
    });
    it("the offloaded steps' extremes that speed's offload bar cites are still the extremes in data/measurements", () => {
      const steps = measurements.flatMap(compareStageTimings).filter((row) => row.stage === "offload-step");
      expect(steps.length).toBeGreaterThanOrEqual(4);
      const ratio = (row: { measuredSeconds: number; predictedSeconds: number }) => row.measuredSeconds / row.predictedSeconds;
      const sorted = [...steps].sort((a, b) => ratio(b) - ratio(a));
      const [slowest, fastest] = OFFLOAD_STEP_EXTREMES;
      expect([sorted[0]!.id, sorted.at(-1)!.id]).toEqual([slowest!.id, fastest!.id]);
      expect(ratio(sorted[0]!)).toBeCloseTo(ratio(slowest!), 2);
      expect(ratio(sorted.at(-1)!)).toBeCloseTo(ratio(fastest!), 2);
    });
  });

  const withHost = measurements.filter((m) => compareHostRam(m).length > 0);
  it("has host RAM readings on single-GPU runs with and without KV offload, and on TPP ranks", () => {
    expect(withHost.filter((m) => m.plan.params.offloadKvCache).length).toBeGreaterThanOrEqual(2);
    expect(withHost.some((m) => !m.plan.params.offloadKvCache && m.plan.parallel.mode === "single")).toBe(true);
    expect(withHost.some((m) => m.ranks.length === 5)).toBe(true);
    expect(HOST_RAM_ERROR_BAR).toMatchObject({ relative: 0.1, absoluteBytes: 2 * GIB });
  });
  // Runs the estimator is known to miss (under), each with why; a fix makes its row agree and the test fails until it goes.
  // None now: upstream's 48-frame 384×256 offloaded runs (49.4 GiB eager, 53.7 compiled) are within the bar with
  // host-kv-freed, the freed step caches glibc keeps resident (host-ram.ts HOST_KV_FREED_CACHES).
  const HOST_RAM_MISSES: string[] = [];
  it.each(withHost.map((m) => [m.id, m] as const))("%s: host RAM within max(10 %%, 2 GiB) of the measured peak RSS (or a named miss, under)", (_, m) => {
    for (const row of compareHostRam(m)) {
      if (HOST_RAM_MISSES.includes(m.id)) {
        expect(row.isWithin).toBe(false);
        expect(row.errorBytes).toBeLessThan(0);
        continue;
      }
      expect(Math.abs(row.errorBytes) / GIB, `rank ${row.rank}: predicted ${(row.predictedBytes / GIB).toFixed(2)} GiB, measured ${(row.measuredBytes / GIB).toFixed(2)} GiB`).toBeLessThanOrEqual(row.allowedBytes / GIB);
    }
  });
  it("covers the decoded frames: runs that kept their clips' frames are compared with host-frames at the clips they ran", () => {
    const withFrames = withHost.filter((m) => m.ranks.some((rank) => rank.host?.frames));
    expect(new Set(withFrames.map((m) => m.ranks[0]!.host!.frames!.clips)).size).toBeGreaterThanOrEqual(3);
    const largest = withFrames.reduce((a, b) => (a.ranks[0]!.host!.frames!.framesBytes > b.ranks[0]!.host!.frames!.framesBytes ? a : b));
    expect(largest.ranks[0]!.host!.frames!.framesBytes).toBeGreaterThan(0.5 * GIB);
    expect(compareHostRam(largest).every((row) => row.isWithin)).toBe(true);
    // without the frames term the largest run is out of the bar: the term is what the comparison holds
    const withoutFrames: Measurement = { ...largest, plan: { ...largest.plan, params: { ...largest.plan.params, numClip: 1 } }, ranks: largest.ranks.map((rank) => ({ ...rank, host: { ...rank.host!, frames: null } })) };
    expect(compareHostRam(withoutFrames).some((row) => !row.isWithin)).toBe(true);
  });
  it("would fail on host RAM the estimator misses by more than the bar", () => {
    const m = withHost.find((candidate) => candidate.plan.params.offloadKvCache)!;
    const doctored: Measurement = { ...m, ranks: m.ranks.map((rank) => ({ ...rank, host: { ...rank.host!, peakRssBytes: rank.host!.peakRssBytes! * 1.2 } })) };
    expect(compareHostRam(doctored).some((row) => !row.isWithin)).toBe(true);
  });
  it("compares a run at the clips it decoded: one clip holds no previous clip's frames, whatever num_clip says", () => {
    const online = measurements.find((m) => m.id === "h100-704x384-online-decode")!;
    expect(online.plan.params.numClip).toBe(10000);
    expect(online.ranks[0]!.decodeSecondsPerClip).toHaveLength(1);
    const asRun = estimate({ ...online.plan, params: { ...online.plan.params, numClip: 1 } }).gpus[0]!.peakBytes;
    expect(estimate(online.plan).gpus[0]!.peakBytes - asRun).toBeGreaterThan(GIB); // the previous-frames term, 2+ clips
    // the probe runs none of upstream's cuDNN / compiled kernels: compared without their bytes
    expect(compareMeasurement(online).peaks[0]!.predictedBytes).toBe(asRun - UPSTREAM_KERNELS_BYTES);
  });
  it("compares an emulated run with the plan the probe ran, and a rank outside NCCL without the NCCL terms", () => {
    const fsdp = measurements.find((m) => m.emulation?.plan && m.ranks.every((rank) => rank.fits))!;
    const emulated = estimate(fsdp.emulation!.plan!);
    expect(compareMeasurement(fsdp).peaks.map((p) => p.predictedBytes)).toEqual(fsdp.ranks.map((rank) => emulated.gpus[rank.rank]!.peakBytes - UPSTREAM_KERNELS_BYTES));
    const shared = measurements.find((m) => (m.emulation?.ranksWithoutNccl.length ?? 0) > 0 && m.ranks.every((rank) => rank.fits))!;
    const vaeRank = shared.emulation!.ranksWithoutNccl[0]!;
    const gpu = estimate(shared.plan).gpus[vaeRank]!;
    const nccl = gpu.phases.find((p) => p.phase === gpu.peakPhase)!.terms.filter((t) => t.id.startsWith("nccl")).reduce((sum, t) => sum + t.value, 0);
    expect(nccl).toBeGreaterThan(0.5 * GIB);
    expect(compareMeasurement(shared).peaks.find((p) => p.rank === vaeRank)!.predictedBytes).toBeCloseTo(gpu.peakBytes - nccl - UPSTREAM_KERNELS_BYTES, -3);
  });
  describe("two instruments: the probe and LiveAvatar's own code", () => {
    const probe = measurements.find((m) => m.id === "h100-704x384-default")!;
    const asUpstream = (scale: number): Measurement => ({
      ...probe, id: "upstream-h100-704x384-default", instrument: { kind: "upstream", commit: "9c2c38de1715e553127b42c82cb959f756b02595" },
      ranks: probe.ranks.map((rank) => ({ ...rank, phases: Object.fromEntries(Object.entries(rank.phases).map(([phase, r]) => [phase, { allocated: r!.allocated * scale, reserved: r!.reserved * scale, deviceUsed: r!.deviceUsed * scale }])) })),
    });
    it("files without an instrument are the probe's", () => {
      expect(probe.instrument.kind).toBe("probe");
    });
    it("compares probe and upstream phase by phase on the plan both measured, and flags a probe outside the bar", () => {
      const agreeing = compareInstruments([probe, asUpstream(1.001)]);
      expect(agreeing.map((row) => row.phase)).toEqual(["load", "encode", "denoise", "decode"]);
      expect(agreeing.every((row) => row.isProbeWithin && row.probeId === probe.id)).toBe(true);
      expect(compareInstruments([probe, asUpstream(1.2)]).some((row) => !row.isProbeWithin)).toBe(true);
      // a different plan is a different question
      const other = { ...asUpstream(1), plan: { ...probe.plan, params: { ...probe.plan.params, inferFrames: 24 } } };
      expect(compareInstruments([probe, other])).toEqual([]);
      // nor is upstream with PyTorch's SDPA patched in for its cuDNN self-attention
      expect(compareInstruments([probe, { ...asUpstream(1.001), selfAttention: "sdpa" }])).toEqual([]);
    });
    it("holds the probe as the estimate is held: PyTorch's cache alone (held apart, live alike) is no miss; live bytes apart are", () => {
      const cached = (extraCache: number, extraLive: number): Measurement => {
        const up = asUpstream(1);
        return { ...up, ranks: up.ranks.map((rank) => ({ ...rank, phases: { ...rank.phases, decode: { allocated: rank.phases.decode!.allocated + extraLive, reserved: rank.phases.decode!.reserved + extraLive + extraCache, deviceUsed: rank.phases.decode!.deviceUsed + extraLive + extraCache } } })) };
      };
      const decode = (up: Measurement) => compareInstruments([probe, up]).find((row) => row.phase === "decode")!;
      const cacheOnly = decode(cached(3 * GIB, 0));
      expect(cacheOnly.upstreamBytes - cacheOnly.probeBytes).toBeGreaterThan(2.9 * GIB);
      expect(cacheOnly.probeErrorBytes).toBe(0);
      expect(cacheOnly.isProbeWithin).toBe(true);
      // upstream live above all the probe held: the shapes differ
      const probeCache = cacheOnly.probeBytes - cacheOnly.probeLiveBytes;
      const liveApart = decode(cached(0, probeCache + 2 * GIB));
      expect(liveApart.probeErrorBytes).toBeCloseTo(-2 * GIB, -6);
      expect(liveApart.isProbeWithin).toBe(false);
    });
    it("summarises each instrument with the same fields as the whole table", () => {
      const summary = summarizeCalibration([compareMeasurement(probe), compareMeasurement(asUpstream(1))]);
      expect(Object.keys(summary.byInstrument).sort()).toEqual(["probe", "upstream"]);
      expect(Object.keys(summary.byInstrument.upstream!).sort()).toEqual(Object.keys(summary).filter((key) => key !== "byInstrument").sort());
      expect(summary.byInstrument.upstream!.measurements).toBe(1);
    });
  });
  it("`headroom calibration --json` prints the table and the summary", () => {
    const out: string[] = [];
    const io: Io = { out: (text) => out.push(text), err: () => {}, color: false, readMeasurements, readFileHead: () => new Uint8Array() };
    expect(runCli(["calibration", "--json"], io)).toBe(0);
    const printed = JSON.parse(out.join("\n")) as { summary: ReturnType<typeof summarizeCalibration>; measurements: unknown[]; hostRam: unknown[]; speed: { measuredSeconds: number }[]; kernels: { inUse: typeof KERNEL_FACTORS; measured: unknown[] }; speedObservations: { id: string; slower: number }[] };
    expect(printed.measurements).toHaveLength(measurements.length);
    expect(printed.summary.peaksWithin).toBe(printed.summary.peaks);
    expect(printed.summary.byInstrument.probe?.peaks).toBeGreaterThan(0);
    expect(printed.hostRam.length).toBeGreaterThanOrEqual(withHost.length);
    expect(printed.speed.length).toBe(measurements.flatMap((m) => compareSpeed(m) ?? []).length);
    expect(printed.kernels.inUse["eager-fp8"].factor).toBe(KERNEL_FACTORS["eager-fp8"].factor);
    expect(printed.speedObservations.map((o) => o.id)).toEqual(FPS_OBSERVATIONS.map((o) => o.id));
  });
});
