import { getDatabase } from "@/server/database";
import { errorResponse } from "@/server/public-error";
import { receiveJobEvents } from "@/server/worker-api/receive-reports";

type Params = { params: Promise<{ jobId: string }> };

/** A GPU host sends a batch of a job's run log, progress and phase (a job it holds), stored once per batch number. */
export const POST = async (request: Request, { params }: Params) => {
  const { jobId } = await params;
  try {
    return await receiveJobEvents({ db: await getDatabase() }, request, jobId);
  } catch (error) {
    return errorResponse(error);
  }
};
