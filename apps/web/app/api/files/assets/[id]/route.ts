import { getAssets, NotFoundError } from "@/server/data";
import { getDatabase } from "@/server/database";
import { env } from "@/server/env";
import { sendStoredFile } from "@/server/send-file";
import { getTeamViewer } from "@/server/viewer";

/** An upload's bytes, for its own team only (previews in the playground). */
export const GET = async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const db = await getDatabase();
  const viewer = await getTeamViewer(request.headers, db);
  if (!viewer) return new Response("sign in first", { status: 401 });
  try {
    const [asset] = await getAssets(db, { teamId: viewer.teamId, ids: [id] });
    return await sendStoredFile(env.STORAGE_DIR, asset!.storagePath, asset!.mime, null, request.headers.get("range"));
  } catch (error) {
    if (error instanceof NotFoundError) return new Response("not found", { status: 404 });
    throw error;
  }
};
