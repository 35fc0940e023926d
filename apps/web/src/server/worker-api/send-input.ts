import type { DbClient } from "@headroom/db";
import { getAssets } from "../data.ts";
import { sendStoredFile } from "../send-file.ts";
import { authorizeHost } from "./authorize-host.ts";

/** GET /api/worker/jobs/<job>/inputs/<asset>: one input of a job the calling host holds, streamed, with its SHA-256. */
export const sendJobInput = async (deps: { db: DbClient; storageDir: string }, headers: Headers, jobId: string, assetId: string): Promise<Response> => {
  const job = await authorizeHost(deps.db, headers, jobId);
  if (job instanceof Response) return job;
  if (!job.inputAssetIds.includes(assetId)) return Response.json({ error: "that file is not an input of this job" }, { status: 403 });
  const [asset] = await getAssets(deps.db, { teamId: job.teamId, ids: [assetId] });
  const response = await sendStoredFile(deps.storageDir, asset!.storagePath, asset!.mime, null);
  response.headers.set("x-content-sha256", asset!.sha256);
  response.headers.set("cache-control", "no-store");
  return response;
};
