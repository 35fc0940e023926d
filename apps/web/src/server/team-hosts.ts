import type { DbClient, WorkerHostDto } from "@headroom/db";
import { hostServesTeam, listWorkerHosts } from "./data.ts";

/** A host as a team sees it: whether it takes the team's jobs, and never which other teams its token names. */
export type TeamHost = Omit<WorkerHostDto, "token"> & {
  token: Omit<NonNullable<WorkerHostDto["token"]>, "teamIds"> | null;
  servesYourTeam: boolean;
};

/** Every registered host for this team's eyes: submit and the form match only against hosts that take its jobs. */
export const listTeamHosts = async (db: DbClient, teamId: string | null): Promise<TeamHost[]> =>
  (await listWorkerHosts(db)).map(({ token, ...host }) => ({
    ...host,
    token: token && { name: token.name, state: token.state, allTeams: token.allTeams },
    servesYourTeam: hostServesTeam({ token }, teamId),
  }));
