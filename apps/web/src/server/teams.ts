import { randomBytes } from "node:crypto";
import type { DbClient } from "@headroom/db";
import { addMember, createTeam } from "./data.ts";

const slugify = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 32) || "team";

/** A new account's own team, with the account as its owner: what the first sign-up creates. */
export const createPersonalTeam = async (db: DbClient, user: { id: string; name: string; email: string }) => {
  const base = user.name.trim() || user.email.split("@")[0] || "My";
  const team = await createTeam(db, { name: `${base}'s team`, slug: `${slugify(base)}-${randomBytes(3).toString("hex")}` });
  await addMember(db, { teamId: team.id, userId: user.id, role: "owner" });
  return team;
};
