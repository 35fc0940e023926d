import type { AssetDto, DbClient, JobDto, JobRunner, Queue } from "@headroom/db";
import { Size, type Plan } from "@headroom/estimator";
import { jobRefusals, matchHosts, noHostMessage, type Finding } from "@headroom/rules";
import { checkPlan } from "../lib/check-plan.ts";
import { getMeasuredRuns } from "./measured-runs.ts";
import { createFeasibilityReport, createJob, enqueueJob, getAssets, queueNameFor, withTransaction } from "./data.ts";
import { listTeamHosts } from "./team-hosts.ts";

export type SubmitJobInput = {
  teamId: string;
  userId: string;
  plan: Plan;
  runner: JobRunner;
  /** Already validated (JobPrompt); null or absent for a probe job without one. */
  prompt?: string | null | undefined;
  inputAssetIds: string[];
  /** The person saw the warnings and chose to run anyway. */
  confirmWarnings: boolean;
};

export type SubmitOutcome =
  | { kind: "queued"; job: JobDto; hosts: string[] }
  /** No online host can run it: kept as a feasibility report (like "Share this check") instead of a job nobody takes. */
  | { kind: "saved-as-check"; reportId: string; message: string }
  | { kind: "refused"; findings: Finding[] }
  | { kind: "confirm"; warnings: Finding[] };

/** A plan no worker queue can take (more GPUs than a host holds, or a card larger than any class). */
const queueFinding = (plan: Plan, runner: JobRunner): Finding | null => {
  try {
    queueNameFor(plan, runner);
    return null;
  } catch (error) {
    return { ruleId: "queue/no-host-class", severity: "error", message: `No worker can take this job: ${(error as Error).message}`, path: ["hardware", "count"], cites: [], fixes: [] };
  }
};

const countOf = (n: number, what: string) => (n === 0 ? `no ${what}` : `${n} ${what}${n > 1 && what === "image" ? "s" : n > 1 ? " files" : ""}`);

/** LiveAvatar reads one reference image and one audio file: anything else is refused before it is queued (null = fine). */
export const liveAvatarInputsProblem = (assets: readonly Pick<AssetDto, "kind">[]): string | null => {
  const images = assets.filter((asset) => asset.kind === "image").length;
  const audios = assets.filter((asset) => asset.kind === "audio").length;
  if (images === 1 && audios === 1 && assets.length === 2) return null;
  return `LiveAvatar needs exactly one reference image and one audio file; this job has ${countOf(images, "image")} and ${countOf(audios, "audio")}.`;
};

/** The uploads' kinds are checked against the runner (RangeError: the router answers BAD_REQUEST). */
const checkInputKinds = async (db: DbClient, input: SubmitJobInput): Promise<void> => {
  if (input.runner !== "liveavatar") return;
  const problem = liveAvatarInputsProblem(await getAssets(db, { teamId: input.teamId, ids: input.inputAssetIds }));
  if (problem) throw new RangeError(problem);
};

/**
 * The reference image decides the frame: its size as read from the stored upload's bytes (storeUpload), not as the
 * browser sent it. Every id must be one of the team's uploads (NotFoundError otherwise).
 */
const withStoredImageSize = async (db: DbClient, input: SubmitJobInput): Promise<Plan> => {
  if (input.inputAssetIds.length === 0) return input.plan;
  const image = (await getAssets(db, { teamId: input.teamId, ids: input.inputAssetIds })).find((asset) => asset.kind === "image");
  if (!image?.width || !image.height) return input.plan;
  const imageSize = `${image.width}*${image.height}`;
  if (imageSize === input.plan.params.imageSize || !Size.safeParse(imageSize).success) return input.plan;
  return { ...input.plan, params: { ...input.plan.params, imageSize } };
};

/**
 * The audio's length as read from the stored upload (storeUpload), like the image's size: it caps the clips that run, so the
 * job's title, its estimate and the command's --num_clip say the same clips even when the form sent no length.
 */
const withStoredAudioSeconds = async (db: DbClient, input: SubmitJobInput, plan: Plan): Promise<Plan> => {
  if (input.inputAssetIds.length === 0) return plan;
  const audio = (await getAssets(db, { teamId: input.teamId, ids: input.inputAssetIds })).find((asset) => asset.kind === "audio");
  if (!audio?.durationSeconds) return plan;
  // Three decimals, as the playground writes it.
  const audioSeconds = +audio.durationSeconds.toFixed(3);
  return audioSeconds === plan.params.audioSeconds ? plan : { ...plan, params: { ...plan.params, audioSeconds } };
};

/**
 * Re-checks the plan with the same rules the browser ran (with the stored image's real size): what `jobRefusals` refuses (the
 * worker asks it again) and a plan no queue takes are refused, a plan no online host can run is saved as a check, warnings
 * need a confirmation;
 * otherwise the job row and its queue entry are written in one transaction.
 */
export const submitJob = async (db: DbClient, queue: Queue, input: SubmitJobInput): Promise<SubmitOutcome> => {
  await checkInputKinds(db, input);
  const plan = await withStoredAudioSeconds(db, input, await withStoredImageSize(db, input));
  const { estimate, verdict } = checkPlan(plan, getMeasuredRuns());
  const unqueueable = queueFinding(plan, input.runner);
  const errors = [...jobRefusals(verdict, input.runner), ...(unqueueable ? [unqueueable] : [])];
  if (errors.length > 0) return { kind: "refused", findings: errors };
  // the form asked the same question (matchHosts) from the host list it loaded; the answer now is the one that counts
  const hosts = matchHosts(await listTeamHosts(db, input.teamId), plan, input.runner);
  if (hosts.able.length === 0) {
    const report = await createFeasibilityReport(db, { plan, estimate, verdict, teamId: input.teamId, createdById: input.userId });
    return { kind: "saved-as-check", reportId: report.id, message: `${noHostMessage(hosts, plan, input.runner)} Saved as a check instead of a job.` };
  }
  const warnings = verdict.findings.filter((finding) => finding.severity === "warning");
  if (warnings.length > 0 && !input.confirmWarnings) return { kind: "confirm", warnings };
  const job = await withTransaction(db, async (tx) => {
    const { teamId, userId, runner, inputAssetIds } = input;
    const created = await createJob(tx, { teamId, userId, plan, runner, prompt: input.prompt ?? null, inputAssetIds, estimate });
    await enqueueJob(tx, queue, { jobId: created.id, plan, runner: input.runner });
    return created;
  });
  return { kind: "queued", job, hosts: hosts.able.map((fit) => fit.host.name) };
};
