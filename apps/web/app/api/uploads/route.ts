import { getDatabase } from "@/server/database";
import { env } from "@/server/env";
import { errorResponse } from "@/server/public-error";
import { withRequestBody, type RequestBody } from "@/server/request-body";
import { storeUpload, UploadRejected } from "@/server/uploads/store-upload";
import { getTeamViewer } from "@/server/viewer";

const LIMITS = { maxImageBytes: env.MAX_IMAGE_BYTES, maxImagePixels: env.MAX_IMAGE_PIXELS, maxAudioBytes: env.MAX_AUDIO_BYTES, maxAudioSeconds: env.MAX_AUDIO_SECONDS };

/** POST /api/uploads?kind=image|audio&name=<original name>, the file as the raw body (streamed, never buffered). */
// a refusal (before the body was read, or part way) waits for the client to finish sending, so it reads the answer
export const POST = (request: Request) =>
  withRequestBody(request.body, async (body) => {
    try {
      return await receiveUpload(request, body);
    } catch (error) {
      // A refusal in the app's own words (paths and addresses stripped); anything else one fixed sentence, logged.
      return error instanceof UploadRejected ? errorResponse(error, { isExpected: true, status: error.status }) : errorResponse(error);
    }
  });

const receiveUpload = async (request: Request, body: RequestBody) => {
  const url = new URL(request.url);
  const kind = url.searchParams.get("kind");
  if (kind !== "image" && kind !== "audio") return Response.json({ error: "kind must be image or audio" }, { status: 400 });
  const db = await getDatabase();
  const viewer = await getTeamViewer(request.headers, db);
  if (!viewer) return Response.json({ error: "Sign in to upload files." }, { status: 401 });
  const limit = kind === "image" ? LIMITS.maxImageBytes : LIMITS.maxAudioBytes;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) return Response.json({ error: `The ${kind} is larger than the ${Math.round(limit / 1024 / 1024)} MB limit.` }, { status: 413 });
  const stored = await storeUpload({
    db,
    storageDir: env.STORAGE_DIR,
    teamId: viewer.teamId,
    uploaderId: viewer.userId,
    kind,
    fileName: url.searchParams.get("name"),
    body: body.chunks,
    limits: LIMITS,
  });
  return Response.json(stored, { status: 201 });
};
