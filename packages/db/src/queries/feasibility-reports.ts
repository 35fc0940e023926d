import { randomBytes } from "node:crypto";
import { Plan, type Estimate } from "@headroom/estimator";
import type { Verdict } from "@headroom/rules";
import type { DbClient } from "../client.ts";
import { NotFoundError } from "../errors.ts";
import { EstimateJson } from "../json/estimate.ts";
import { VerdictJson } from "../json/verdict.ts";

/** An immutable snapshot behind a share link. Holds no uploads: a Plan refers to none. */
export type FeasibilityReportDto = {
  id: string;
  teamId: string | null;
  createdById: string | null;
  plan: Plan;
  estimate: Estimate;
  verdict: Verdict;
  estimatorVersion: string;
  createdAt: Date;
};

const select = {
  id: true,
  teamId: true,
  createdById: true,
  plan: true,
  estimate: true,
  verdict: true,
  estimatorVersion: true,
  createdAt: true,
} as const;

type Row = Omit<FeasibilityReportDto, "plan" | "estimate" | "verdict"> & { plan: unknown; estimate: unknown; verdict: unknown };

const toDto = (row: Row): FeasibilityReportDto => ({
  ...row,
  plan: Plan.parse(row.plan),
  estimate: EstimateJson.parse(row.estimate),
  verdict: VerdictJson.parse(row.verdict),
});

/** 128 random bits in base64url (22 characters): the link is the capability, so it must not be guessable. */
export const newReportId = (): string => randomBytes(16).toString("base64url");

export const createFeasibilityReport = async (
  db: DbClient,
  input: { plan: Plan; estimate: Estimate; verdict: Verdict; teamId?: string | null; createdById?: string | null },
): Promise<FeasibilityReportDto> =>
  toDto(
    await db.feasibilityReport.create({
      data: {
        id: newReportId(),
        teamId: input.teamId ?? null,
        createdById: input.createdById ?? null,
        plan: input.plan,
        estimate: input.estimate,
        verdict: input.verdict,
        estimatorVersion: input.estimate.estimatorVersion,
      },
      select,
    }),
  );

/** By id alone: whoever holds the link may read it (no team scoping, by design). */
export const getFeasibilityReport = async (db: DbClient, id: string): Promise<FeasibilityReportDto> => {
  const row = await db.feasibilityReport.findUnique({ where: { id }, select });
  if (!row) throw new NotFoundError("feasibility report", id);
  return toDto(row);
};
