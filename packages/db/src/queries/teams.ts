// Users, teams (better-auth "organizations") and memberships. Once the web signs people up through better-auth,
// it writes these same tables; these functions serve seeding, `npm start`'s first account and tests.
import type { DbClient } from "../client.ts";
import { NotFoundError } from "../errors.ts";

export type UserDto = { id: string; name: string; email: string; createdAt: Date };
export type TeamDto = { id: string; name: string; slug: string; createdAt: Date };
export type MemberRole = "owner" | "admin" | "member";
/** A team as one of its members sees it in the team switcher. */
export type UserTeamDto = TeamDto & { role: string };
export type MemberDto = { id: string; teamId: string; userId: string; role: string; createdAt: Date; user: { name: string; email: string } };

const userSelect = { id: true, name: true, email: true, createdAt: true } as const;
const teamSelect = { id: true, name: true, slug: true, createdAt: true } as const;
const memberSelect = {
  id: true,
  organizationId: true,
  userId: true,
  role: true,
  createdAt: true,
  user: { select: { name: true, email: true } },
} as const;

type MemberRow = { id: string; organizationId: string; userId: string; role: string; createdAt: Date; user: { name: string; email: string } };
const toMemberDto = ({ organizationId, ...rest }: MemberRow): MemberDto => ({ teamId: organizationId, ...rest });

export const createUser = (db: DbClient, input: { name: string; email: string }): Promise<UserDto> =>
  db.user.create({ data: { name: input.name, email: input.email.toLowerCase() }, select: userSelect });

export const createTeam = (db: DbClient, input: { name: string; slug: string }): Promise<TeamDto> =>
  db.organization.create({ data: { name: input.name, slug: input.slug }, select: teamSelect });

export const getTeam = async (db: DbClient, id: string): Promise<TeamDto> => {
  const team = await db.organization.findUnique({ where: { id }, select: teamSelect });
  if (!team) throw new NotFoundError("team", id);
  return team;
};

export const addMember = async (
  db: DbClient,
  input: { teamId: string; userId: string; role?: MemberRole },
): Promise<MemberDto> =>
  toMemberDto(
    await db.member.create({
      data: { organizationId: input.teamId, userId: input.userId, role: input.role ?? "member" },
      select: memberSelect,
    }),
  );

/** The team's members, oldest first (the job list's "filter by member"). */
export const listMembers = async (db: DbClient, teamId: string): Promise<MemberDto[]> =>
  (await db.member.findMany({ where: { organizationId: teamId }, select: memberSelect, orderBy: { createdAt: "asc" } })).map(
    toMemberDto,
  );

/** The user's role in the team, or null when they are not a member: the check every team-scoped router makes. */
export const getMemberRole = async (db: DbClient, input: { teamId: string; userId: string }): Promise<string | null> =>
  (
    await db.member.findUnique({
      where: { organizationId_userId: { organizationId: input.teamId, userId: input.userId } },
      select: { role: true },
    })
  )?.role ?? null;

/** The teams a user belongs to, in the order they joined (the first is the one a new session starts in). */
export const listUserTeams = async (db: DbClient, userId: string): Promise<UserTeamDto[]> =>
  (
    await db.member.findMany({
      where: { userId },
      select: { role: true, organization: { select: teamSelect } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    })
  ).map(({ role, organization }) => ({ ...organization, role }));
