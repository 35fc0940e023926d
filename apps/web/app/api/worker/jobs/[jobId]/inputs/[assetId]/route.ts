import { getDatabase } from "@/server/database";
import { env } from "@/server/env";
import { errorResponse } from "@/server/public-error";
import { sendJobInput } from "@/server/worker-api/send-input";

/** A GPU host downloads an input of a job it holds (host token as Bearer, its host id in X-Headroom-Host). */
export const GET = async (request: Request, { params }: { params: Promise<{ jobId: string; assetId: string }> }) => {
  const { jobId, assetId } = await params;
  try {
    return await sendJobInput({ db: await getDatabase(), storageDir: env.STORAGE_DIR }, request.headers, jobId, assetId);
  } catch (error) {
    return errorResponse(error);
  }
};
