import { getDatabase } from "@/server/database";
import { errorResponse } from "@/server/public-error";
import { receiveVramSamples } from "@/server/worker-api/receive-reports";

type Params = { params: Promise<{ jobId: string }> };

/** A GPU host sends chunks of a job's VRAM samples (a job it holds), stored once per batch number. */
export const POST = async (request: Request, { params }: Params) => {
  const { jobId } = await params;
  try {
    return await receiveVramSamples({ db: await getDatabase() }, request, jobId);
  } catch (error) {
    return errorResponse(error);
  }
};
