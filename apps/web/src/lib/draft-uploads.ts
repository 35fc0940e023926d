import { z } from "zod";

// The playground's uploads live beside its draft plan (the URL): kept per browser tab, so going to the jobs list and
// back, or reloading, finds them again. Scoped to the team: another team's asset ids would not resolve.
const STORAGE_KEY = "headroom.playground.uploads.v1";

export const DraftAsset = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(["image", "audio"]),
  mime: z.string().max(100),
  bytes: z.number().int().min(0),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  durationSeconds: z.number().positive().nullable(),
  /** The picked file's name, as the browser gave it (the server stores the bytes under its own name). */
  name: z.string().max(255).optional(),
});
export type DraftAsset = z.infer<typeof DraftAsset>;

const DraftUploads = z.object({ teamId: z.string(), image: DraftAsset.nullable(), audio: DraftAsset.nullable() });
export type DraftUploads = { image: DraftAsset | null; audio: DraftAsset | null };

const EMPTY: DraftUploads = { image: null, audio: null };

/** The team's kept uploads; nothing where the tab holds none, another team's, or something unreadable. */
export const readDraftUploads = (storage: Pick<Storage, "getItem">, teamId: string): DraftUploads => {
  let json: unknown;
  try {
    json = JSON.parse(storage.getItem(STORAGE_KEY) ?? "null");
  } catch {
    return EMPTY;
  }
  const parsed = DraftUploads.safeParse(json);
  return parsed.success && parsed.data.teamId === teamId ? { image: parsed.data.image, audio: parsed.data.audio } : EMPTY;
};

export const writeDraftUploads = (storage: Pick<Storage, "setItem" | "removeItem">, teamId: string, uploads: DraftUploads): void => {
  if (!uploads.image && !uploads.audio) return storage.removeItem(STORAGE_KEY);
  storage.setItem(STORAGE_KEY, JSON.stringify({ teamId, ...uploads }));
};
