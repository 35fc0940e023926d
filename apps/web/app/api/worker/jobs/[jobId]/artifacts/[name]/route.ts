import { getDatabase } from "@/server/database";
import { env } from "@/server/env";
import { errorResponse } from "@/server/public-error";
import { artifactOffset, receiveArtifact } from "@/server/worker-api/receive-artifact";

type Params = { params: Promise<{ jobId: string; name: string }> };
const deps = async () => ({ db: await getDatabase(), storageDir: env.STORAGE_DIR });

/** How much of a result the web has: a GPU host resumes its upload from there. */
export const HEAD = async (request: Request, { params }: Params) => {
  const { jobId, name } = await params;
  try {
    return await artifactOffset(await deps(), request.headers, jobId, name, new URL(request.url).searchParams.get("kind"));
  } catch (error) {
    return errorResponse(error);
  }
};

/** A GPU host uploads a result of a job it holds (video, log, measurement), resumable by Upload-Offset. */
export const PUT = async (request: Request, { params }: Params) => {
  const { jobId, name } = await params;
  try {
    return await receiveArtifact(await deps(), request, jobId, name, new URL(request.url).searchParams.get("kind"));
  } catch (error) {
    return errorResponse(error);
  }
};
