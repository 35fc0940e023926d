import { basename } from "node:path";
import { listArtifacts, NotFoundError } from "@/server/data";
import { getDatabase } from "@/server/database";
import { env } from "@/server/env";
import { sendStoredFile } from "@/server/send-file";
import { getTeamViewer } from "@/server/viewer";

/** A job's video, log or measurement, for the job's team only; `?download=1` saves it. */
export const GET = async (request: Request, { params }: { params: Promise<{ jobId: string; artifactId: string }> }) => {
  const { jobId, artifactId } = await params;
  const db = await getDatabase();
  const viewer = await getTeamViewer(request.headers, db);
  if (!viewer) return new Response("sign in first", { status: 401 });
  try {
    const artifact = (await listArtifacts(db, { teamId: viewer.teamId, jobId })).find((candidate) => candidate.id === artifactId);
    if (!artifact) return new Response("not found", { status: 404 });
    const download = new URL(request.url).searchParams.has("download") ? `${jobId.slice(0, 8)}-${basename(artifact.path)}` : null;
    return await sendStoredFile(env.STORAGE_DIR, artifact.path, artifact.mime, download, request.headers.get("range"));
  } catch (error) {
    if (error instanceof NotFoundError) return new Response("not found", { status: 404 });
    throw error;
  }
};
