import { randomBytes } from "node:crypto";
import type { DbClient, TeamDto } from "@headroom/db";
import { addMember, createTeam, withTransaction } from "./data.ts";

const slugify = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 32) || "team";

/** A new team with `userId` as its owner, in one transaction; the slug gets a random suffix so names may repeat. */
export const createOwnedTeam = (db: DbClient, input: { name: string; userId: string }): Promise<TeamDto> =>
  withTransaction(db, async (tx) => {
    const team = await createTeam(tx, { name: input.name, slug: `${slugify(input.name)}-${randomBytes(3).toString("hex")}` });
    await addMember(tx, { teamId: team.id, userId: input.userId, role: "owner" });
    return team;
  });

/** A new account's own team, with the account as its owner: what the first sign-up creates. */
export const createPersonalTeam = (db: DbClient, user: { id: string; name: string; email: string }): Promise<TeamDto> => {
  const base = user.name.trim() || user.email.split("@")[0] || "My";
  return createOwnedTeam(db, { name: `${base}'s team`, userId: user.id });
};
