// Real plans, estimates and verdicts (not hand-made JSON), so the stored-JSON schemas are tested on what the
// estimator and rules actually produce.
import { createHash, randomBytes } from "node:crypto";
import { estimate, resolvePlan, type PlanInput } from "@headroom/estimator";
import { evaluate } from "@headroom/rules";
import type { DbClient } from "../client.ts";
import { addMember, createTeam, createUser } from "../queries/teams.ts";

export const fixturePlan = (input: PlanInput = { hardware: { gpu: "rtx-4090", count: 5 } }) => {
  const plan = resolvePlan(input);
  const est = estimate(plan);
  return { plan, estimate: est, verdict: evaluate(plan, est) };
};

/** A team with one owner. */
export const seedTeam = async (db: DbClient, label: string) => {
  const suffix = randomBytes(4).toString("hex");
  const user = await createUser(db, { name: `${label} owner`, email: `${label}-${suffix}@example.test` });
  const team = await createTeam(db, { name: `Team ${label}`, slug: `${label}-${suffix}` });
  await addMember(db, { teamId: team.id, userId: user.id, role: "owner" });
  return { team, user };
};

export const sha256Of = (content: string) => createHash("sha256").update(content).digest("hex");
