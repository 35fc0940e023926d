"use client";
import {
  clipCount, formatGib, GPU_CATALOG, GPU_IDS, PLAN_FIELDS, nearestMeasurements, planFromQuery, planToQuery, applyPatch, type MeasuredRun, type Plan, type PlanField, type PlanPatch,
} from "@headroom/estimator";
import { rank, suggest, type Finding, type RankOrder, type RankRow, type Suggestion } from "@headroom/rules";
import { Panel, RankTable, ReportView, SuggestionList } from "@headroom/ui";
import type { HostInventory } from "@headroom/db/host-inventory";
import { useSearchParams } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { checkPlan, type Check } from "@/lib/check-plan";
import { readDraftUploads, writeDraftUploads } from "@/lib/draft-uploads";
import { JOB_PROMPT_MAX_CHARS } from "@/lib/job-prompt";
import { clipsForAudio, hardwareFromHost, readField, writeField, type FieldValue } from "@/lib/plan-edit";
import { launchInputsFor } from "@/lib/launch-inputs";
import { LaunchCommandPanel } from "../launch/launch-command-panel";
import { ActionBar } from "./action-bar";
import { PlanFieldInput } from "./plan-field-input";
import { UploadField, type ImageSize, type UploadedAsset } from "./upload-field";

export type HostOption = { id: string; name: string; isOnline: boolean; inventory: HostInventory };

const byFlag = (flag: string): PlanField => PLAN_FIELDS.find((field) => field.flag === flag)!;
const GPU_LABELS = Object.fromEntries([...GPU_IDS.map((id) => [id, `${GPU_CATALOG[id].name} — ${formatGib(GPU_CATALOG[id].usableBytes)}`]), ["custom", "Custom GPU…"]]);

const HARDWARE = ["gpu", "count", "host_ram_gb", "host_link", "gpu_topology"];
const CUSTOM = ["custom_name", "custom_vram_gib", "custom_bf16_tflops", "custom_bandwidth_gbps"];
const MAIN_PARAMS = ["size", "num_clip", "infer_frames", "sample_steps", "sample_guide_scale", "sample_solver"];
const FLAGS = ["offload_model", "fp8", "t5_cpu", "offload_kv_cache", "enable_online_decode", "convert_model_dtype", "load_lora", "enable_compile"];
const PARALLEL = ["mode", "num_gpus_dit", "ulysses_size", "fsdp_wrap"];
const PARALLEL_FLAGS = ["enable_vae_parallel", "dit_fsdp", "t5_fsdp", "fsdp_cpu_offload"];
const ADVANCED = ["model", "precision", "audio_seconds", "quantize_on_cpu"];

/** The plan lives in the URL: typing replaces the entry, discrete choices push one (back/forward walk them). */
const writeUrl = (query: string, mode: "push" | "replace") => {
  const url = `${window.location.pathname}?${query}`;
  if (mode === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
};

type PlaygroundProps = {
  initialPlan: Plan;
  initialCheck: Check;
  parseError: string | null;
  hosts: HostOption[];
  isSignedIn: boolean;
  /** The viewer's team: its uploads are kept with the draft plan in this tab (null signed out). */
  teamId?: string | null;
  /** The committed probe runs, read once by the server; the nearest ones are picked here on every change. */
  measuredRuns: readonly MeasuredRun[];
};

export function Playground({ initialPlan, initialCheck, parseError, hosts, isSignedIn, teamId = null, measuredRuns }: PlaygroundProps) {
  const searchParams = useSearchParams();
  const query = searchParams.toString();
  const [plan, setPlanState] = useState(initialPlan);
  // The server's HTML answers before React takes the form over; until then an edit would be reset by hydration.
  const [isHydrated, setIsHydrated] = useState(false);
  useEffect(() => setIsHydrated(true), []);
  // The newest plan, for edits that arrive before React re-renders (fast typing, scripted input).
  const planRef = useRef(initialPlan);
  const writtenQuery = useRef(query);
  // A URL this component did not write (back, forward, a pasted link) replaces the plan.
  useEffect(() => {
    if (query === writtenQuery.current) return;
    writtenQuery.current = query;
    const parsed = query === "" ? null : planFromQuery(query);
    const next = parsed?.ok ? parsed.plan : initialPlan;
    planRef.current = next;
    setPlanState(next);
  }, [query, initialPlan]);
  const planQuery = useMemo(() => planToQuery(plan), [plan]);
  // The server computed the first answer from the same URL; every later one is computed here, in the browser.
  const check = useMemo(() => (plan === initialPlan ? initialCheck : checkPlan(plan, measuredRuns)), [plan, initialPlan, initialCheck, measuredRuns]);

  const [suggested, setSuggested] = useState<{ query: string; list: Suggestion[] } | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setSuggested({ query: planQuery, list: suggest(plan, { measured: measuredRuns }) }), 60);
    return () => clearTimeout(timer);
  }, [plan, planQuery, measuredRuns]);
  const suggestions = suggested?.query === planQuery ? suggested.list : null;
  // "Which GPUs?": 55 estimates, a few ms; deferred like the suggestions so typing stays smooth.
  const [rankBy, setRankBy] = useState<RankOrder>("cost");
  const [ranked, setRanked] = useState<{ key: string; rows: RankRow[] } | null>(null);
  const rankKey = `${planQuery}|${rankBy}`;
  useEffect(() => {
    const timer = setTimeout(() => setRanked({ key: rankKey, rows: rank(plan, { by: rankBy, measured: measuredRuns }) }), 120);
    return () => clearTimeout(timer);
  }, [plan, rankBy, rankKey, measuredRuns]);
  const rankRows = ranked?.key === rankKey ? ranked.rows : null;
  const measured = useMemo(() => nearestMeasurements(plan, measuredRuns), [plan, measuredRuns]);

  const [image, setImage] = useState<UploadedAsset | null>(null);
  const [audio, setAudio] = useState<UploadedAsset | null>(null);
  const [prompt, setPrompt] = useState("A person talking to the camera, natural light.");

  const setPlan = (next: Plan, mode: "push" | "replace") => {
    planRef.current = next;
    writtenQuery.current = planToQuery(next);
    setPlanState(next);
    writeUrl(writtenQuery.current, mode);
  };
  const commitField = (field: PlanField) => (value: FieldValue, mode: "push" | "replace") => setPlan(writeField(planRef.current, field, value), mode);
  const applyFix = (patch: PlanPatch) => setPlan(applyPatch(planRef.current, patch), "push");

  const markers = useMemo(() => {
    const map = new Map<string, "error" | "finding">();
    for (const finding of check.verdict.findings as Finding[]) {
      const key = finding.path.at(-1);
      if (!key || finding.severity === "info") continue;
      if (finding.severity === "error" || !map.has(key)) map.set(key, finding.severity === "error" ? "error" : "finding");
    }
    return map;
  }, [check]);

  const field = (flag: string, options: { wide?: boolean; labels?: Record<string, string>; note?: string | null } = {}) => {
    const spec = byFlag(flag);
    return <PlanFieldInput key={flag} field={spec} value={readField(plan, spec)} onCommit={commitField(spec)} marker={markers.get(spec.key) ?? null} {...options} />;
  };

  // The browser's reading comes first; the upload's size, read from the stored bytes, confirms or corrects it.
  const onImageSize = ({ width, height }: ImageSize) => {
    const imageSize = `${width}*${height}`;
    if (planRef.current.params.imageSize !== imageSize) setPlan({ ...planRef.current, params: { ...planRef.current.params, imageSize } }, "push");
  };
  const onImage = (asset: UploadedAsset | null) => {
    setImage(asset);
    if (asset?.width && asset.height) onImageSize({ width: asset.width, height: asset.height });
  };

  const onAudio = (asset: UploadedAsset | null) => {
    setAudio(asset);
    if (asset?.durationSeconds) setPlan({ ...planRef.current, params: { ...planRef.current.params, audioSeconds: +asset.durationSeconds.toFixed(3) } }, "push");
  };

  // Uploads survive navigation: kept in this tab beside the draft plan, restored on return; a plan that names no image or
  // audio of its own takes the kept ones' size and length, one that does (a shared link) keeps its own.
  const [isRestored, setIsRestored] = useState(false);
  useEffect(() => {
    if (!teamId) return;
    const kept = readDraftUploads(window.sessionStorage, teamId);
    const params = { ...planRef.current.params };
    if (kept.image) setImage(kept.image);
    if (kept.audio) setAudio(kept.audio);
    if (kept.image?.width && kept.image.height && params.imageSize === null) params.imageSize = `${kept.image.width}*${kept.image.height}`;
    if (kept.audio?.durationSeconds && params.audioSeconds === null) params.audioSeconds = +kept.audio.durationSeconds.toFixed(3);
    if (params.imageSize !== planRef.current.params.imageSize || params.audioSeconds !== planRef.current.params.audioSeconds) setPlan({ ...planRef.current, params }, "replace");
    setIsRestored(true);
  }, [teamId]); // once per team, on arrival: later changes are the person's own
  useEffect(() => {
    if (teamId && isRestored) writeDraftUploads(window.sessionStorage, teamId, { image, audio });
  }, [teamId, isRestored, image, audio]);

  const audioSeconds = plan.params.audioSeconds;
  // The clips that will run, the number the estimate, the job's title and the launch command's --num_clip all use.
  const clips = clipCount(plan);
  const clipNote = audioSeconds === null || clips.clips === null ? null
    : `runs ${clips.clips} clip${clips.clips === 1 ? "" : "s"} · ${clips.videoSeconds!.toFixed(1)} s video${clips.isCappedByAudio ? ` (the ${audioSeconds.toFixed(2)} s audio ends before num_clip ${plan.params.numClip})` : ""}`;
  const launchInputs = useMemo(() => launchInputsFor([image, audio], prompt), [image, audio, prompt]);
  const neededClips = audioSeconds ? clipsForAudio(audioSeconds, plan.params.inferFrames) : null;

  return (
    <div className="playground" data-testid="playground" data-hydrated={isHydrated ? "true" : "false"}>
      <form className="playground-form" onSubmit={(event) => event.preventDefault()} aria-label="plan">
        {parseError && <div className="callout callout-error" role="alert">This link&apos;s plan could not be read ({parseError}); showing the defaults.</div>}
        <Panel title="Hardware">
          <div className="field-grid">
            {field("gpu", { wide: true, labels: GPU_LABELS })}
            {HARDWARE.slice(1).map((flag) => field(flag))}
            {plan.hardware.gpu === "custom" && CUSTOM.map((flag) => field(flag))}
          </div>
          {hosts.length > 0 && (
            <>
              <div className="form-section-title">Registered hosts</div>
              <ul className="host-list">
                {hosts.map((host) => (
                  <li key={host.id} className="host-item">
                    <span className={`dot${host.isOnline ? " is-online" : ""}`} title={host.isOnline ? "online" : "offline"} />
                    <span><b>{host.name}</b> <span className="muted">{host.inventory.gpus.length} × {host.inventory.gpus[0]?.name ?? "no GPU"}</span></span>
                    <button type="button" className="btn btn-xs" onClick={() => setPlan(hardwareFromHost(planRef.current, host.name, host.inventory), "push")} disabled={host.inventory.gpus.length === 0}>Use</button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <Panel title="Reference, audio and prompt">
          <div className="panel-body">
            <div className="media">
              <UploadField kind="image" asset={image} onUploaded={onImage} onImageSize={onImageSize} isSignedIn={isSignedIn} />
              <UploadField kind="audio" asset={audio} onUploaded={onAudio} isSignedIn={isSignedIn} />
            </div>
            <div className="field-grid">{field("image_size")}</div>
            {audioSeconds && neededClips !== null && (
              <div className="clip-math" data-testid="clip-math">
                {audioSeconds.toFixed(2)} s of audio at 25 FPS needs <b>⌈25 · {audioSeconds.toFixed(2)} / {plan.params.inferFrames}⌉ = {neededClips} clips</b>
                {plan.params.numClip < neededClips ? `; num_clip ${plan.params.numClip} covers only ${((plan.params.numClip * plan.params.inferFrames) / 25).toFixed(1)} s` : ""}. The estimate runs {check.estimate.speed.clips} clips.
              </div>
            )}
            <div className="field">
              <label className="field-label" htmlFor="prompt">Prompt <span className="field-flag">--prompt</span></label>
              <textarea id="prompt" value={prompt} onChange={(event) => setPrompt(event.target.value)} rows={2} />
              <span className="field-help" data-testid="prompt-help">Stored with the job and passed to LiveAvatar as --prompt · {prompt.trim().length} / {JOB_PROMPT_MAX_CHARS}</span>
            </div>
          </div>
        </Panel>
        <Panel title="LiveAvatar parameters">
          <div className="panel-body">
            <div className="field-grid">{MAIN_PARAMS.map((flag) => field(flag, flag === "num_clip" ? { note: clipNote } : {}))}</div>
            <div>{FLAGS.map((flag) => field(flag))}</div>
          </div>
        </Panel>
        <Panel title="Parallel layout">
          <div className="panel-body">
            <div className="field-grid">{PARALLEL.map((flag) => field(flag))}</div>
            <div>{PARALLEL_FLAGS.map((flag) => field(flag))}</div>
          </div>
        </Panel>
        <Panel title="Headroom and field-report settings">
          <div className="field-grid">{ADVANCED.map((flag) => field(flag, flag === "model" ? { wide: true } : {}))}</div>
        </Panel>
      </form>
      <div className="playground-result">
        <ActionBar plan={plan} check={check} isSignedIn={isSignedIn} image={image} audio={audio} prompt={prompt} hosts={hosts} />
        <ReportView
          plan={plan}
          estimate={check.estimate}
          verdict={check.verdict}
          onApplyFix={applyFix}
          measured={measured}
          suggestions={
            <Panel title="Nearest plans that run" aside={<span className="muted small">computed in your browser</span>} testId="suggestions-panel">
              <SuggestionList suggestions={suggestions ?? []} isPending={suggestions === null} onApply={(suggestion) => setPlan(suggestion.plan, "push")} />
            </Panel>
          }
        />
        <LaunchCommandPanel plan={plan} inputs={launchInputs} inputsNote={image || audio ? "your uploads' names; download them beside the checkout" : "the script's example image and audio until you upload yours"} />
        <Panel title="Which GPUs?" aside={<span className="muted small">these parameters on every catalog GPU · computed in your browser</span>} testId="rank-panel">
          <RankTable rows={rankRows ?? []} isPending={rankRows === null} by={rankBy} onOrder={setRankBy} onApply={(row) => setPlan(row.plan, "push")} />
        </Panel>
      </div>
    </div>
  );
}
