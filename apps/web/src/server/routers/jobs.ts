import { Hardware, Plan } from "@headroom/estimator";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { JobPrompt, LIVEAVATAR_NEEDS_PROMPT } from "../../lib/job-prompt.ts";
import { cancelTeamJob } from "../cancel-job.ts";
import { getAssets, getJob, getVramSeries, JOB_RUNNERS, JOB_STATES, listArtifacts, listJobEvents, listJobs, listWorkerHosts } from "../data.ts";
import { submitJob } from "../submit-job.ts";
import { router, teamProcedure } from "../trpc.ts";

const JobId = z.object({ id: z.string().min(1).max(64) });

/** Postgres `integer`: a larger number would reach the query and fail there. */
const PG_INT_MAX = 2_147_483_647;

export const SubmitJobInput = z
  .object({
    plan: Plan,
    runner: z.enum(JOB_RUNNERS),
    /** LiveAvatar's --prompt; stored with any job, required by the liveavatar runner (the probe does not read it). */
    prompt: JobPrompt.optional(),
    /** [image, audio] for the liveavatar runner; the probe needs none. */
    inputAssetIds: z.array(z.string().min(1).max(64)).max(2).default([]),
    confirmWarnings: z.boolean().default(false),
  })
  .refine((input) => input.runner !== "liveavatar" || input.inputAssetIds.length === 2, {
    message: "LiveAvatar needs a reference image and an audio file",
    path: ["inputAssetIds"],
  })
  .refine((input) => input.runner !== "liveavatar" || input.prompt !== undefined, {
    message: LIVEAVATAR_NEEDS_PROMPT,
    path: ["prompt"],
  });

export const jobsRouter = router({
  list: teamProcedure
    .input(z.object({ state: z.enum(JOB_STATES).optional(), userId: z.string().max(64).optional(), gpu: Hardware.shape.gpu.optional(), cursor: z.string().max(200).nullish(), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ ctx, input }) => listJobs(ctx.db, { ...input, teamId: ctx.teamId })),
  get: teamProcedure.input(JobId).query(async ({ ctx, input }) => {
    const job = await getJob(ctx.db, { teamId: ctx.teamId, id: input.id });
    return { job, artifacts: await listArtifacts(ctx.db, { teamId: ctx.teamId, jobId: job.id }) };
  }),
  events: teamProcedure
    .input(JobId.extend({ afterSeq: z.number().int().min(0).max(PG_INT_MAX).default(0) }))
    .query(({ ctx, input }) => listJobEvents(ctx.db, { teamId: ctx.teamId, jobId: input.id, afterSeq: input.afterSeq, limit: 2000 })),
  /** What the job page shows beside the job: its uploads (never their storage path) and the host that took it. */
  context: teamProcedure.input(JobId).query(async ({ ctx, input }) => {
    const job = await getJob(ctx.db, { teamId: ctx.teamId, id: input.id });
    const assets = job.inputAssetIds.length === 0 ? [] : await getAssets(ctx.db, { teamId: ctx.teamId, ids: job.inputAssetIds }).catch(() => []);
    const inputs = assets.map(({ id, kind, mime, bytes, durationSeconds, width, height }) => ({ id, kind, mime, bytes, durationSeconds, width, height }));
    const found = job.hostId === null ? undefined : (await listWorkerHosts(ctx.db)).find((host) => host.id === job.hostId);
    const host = found ? { name: found.name, isOnline: found.isOnline, gpus: found.inventory.gpus.map((gpu) => ({ name: gpu.name, totalBytes: gpu.totalBytes })) } : null;
    return { inputs, host };
  }),
  vram: teamProcedure.input(JobId).query(({ ctx, input }) => getVramSeries(ctx.db, { teamId: ctx.teamId, jobId: input.id })),
  submit: teamProcedure
    .input(SubmitJobInput)
    .mutation(({ ctx, input }) => submitJob(ctx.db, ctx.queue, { ...input, teamId: ctx.teamId, userId: ctx.userId })),
  /** The same plan, runner, prompt and uploads again, through the same checks. */
  rerun: teamProcedure.input(JobId.extend({ confirmWarnings: z.boolean().default(false) })).mutation(async ({ ctx, input }) => {
    const job = await getJob(ctx.db, { teamId: ctx.teamId, id: input.id });
    if (job.runner === "liveavatar" && job.prompt === null) {
      throw new TRPCError({ code: "BAD_REQUEST", message: "This job was stored without a prompt: open its plan in the playground and submit it with one." });
    }
    const { plan, runner, prompt, inputAssetIds } = job;
    return submitJob(ctx.db, ctx.queue, { teamId: ctx.teamId, userId: ctx.userId, plan, runner, prompt, inputAssetIds, confirmWarnings: input.confirmWarnings });
  }),
  cancel: teamProcedure.input(JobId).mutation(({ ctx, input }) => cancelTeamJob(ctx.db, ctx.queue, { teamId: ctx.teamId, id: input.id })),
});
