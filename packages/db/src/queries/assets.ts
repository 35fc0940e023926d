import type { DbClient } from "../client.ts";
import { NotFoundError } from "../errors.ts";

export type AssetKind = "image" | "audio";

export type AssetDto = {
  id: string;
  teamId: string;
  uploaderId: string;
  kind: AssetKind;
  mime: string;
  bytes: number;
  sha256: string;
  /** Relative to the storage root. */
  storagePath: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  createdAt: Date;
};

export type CreateAssetInput = Omit<AssetDto, "id" | "createdAt" | "durationSeconds" | "width" | "height"> &
  Partial<Pick<AssetDto, "durationSeconds" | "width" | "height">>;

const select = {
  id: true,
  teamId: true,
  uploaderId: true,
  kind: true,
  mime: true,
  bytes: true,
  sha256: true,
  storagePath: true,
  durationSeconds: true,
  width: true,
  height: true,
  createdAt: true,
} as const;

const toDto = (row: Omit<AssetDto, "bytes"> & { bytes: bigint }): AssetDto => ({ ...row, bytes: Number(row.bytes) });

/** Records an upload already written to storage (the caller sniffed its type and hashed it). */
export const createAsset = async (db: DbClient, input: CreateAssetInput): Promise<AssetDto> =>
  toDto(
    await db.asset.create({
      data: {
        ...input,
        bytes: BigInt(input.bytes),
        durationSeconds: input.durationSeconds ?? null,
        width: input.width ?? null,
        height: input.height ?? null,
      },
      select,
    }),
  );

/** The team's assets with these ids, in the order asked; NotFoundError when one is missing or another team's. */
export const getAssets = async (db: DbClient, input: { teamId: string; ids: readonly string[] }): Promise<AssetDto[]> => {
  const rows = await db.asset.findMany({ where: { teamId: input.teamId, id: { in: [...input.ids] } }, select });
  return input.ids.map((id) => {
    const row = rows.find((candidate) => candidate.id === id);
    if (!row) throw new NotFoundError("asset", id);
    return toDto(row);
  });
};
