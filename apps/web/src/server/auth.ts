import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "@headroom/db";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { organization } from "better-auth/plugins";
import { getDatabase } from "./database.ts";
import { env, REPO_ROOT } from "./env.ts";
import { signsUpThroughInvitation } from "./invitations.ts";
import { createPersonalTeam } from "./teams.ts";

const INVITATION_EXPIRES_S = 7 * 24 * 3600;

/** better-auth over Headroom's tables: email + password, teams as organizations, a team for every new account. */
export const createAuth = (db: Db, options: { secret: string; baseURL?: string | undefined }) =>
  betterAuth({
    database: prismaAdapter(db, { provider: "postgresql" }),
    secret: options.secret,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    emailAndPassword: { enabled: true, autoSignIn: true, minPasswordLength: 8 },
    plugins: [organization({ invitationExpiresIn: INVITATION_EXPIRES_S }), nextCookies()],
    // A signed cookie carries the session for a minute: most requests skip the session query.
    session: { cookieCache: { enabled: true, maxAge: 60 } },
    databaseHooks: {
      // Runs after the sign-up transaction commits, so the user row exists for the membership's foreign key.
      // Not when the sign-up comes through a live invite link for this address: the invitee joins that team instead.
      user: {
        create: {
          after: async (user, ctx) => {
            if (await signsUpThroughInvitation(db, user, (ctx?.body as { callbackURL?: unknown } | undefined)?.callbackURL)) return;
            await createPersonalTeam(db, user);
          },
        },
      },
      // A new sign-in starts in the user's first team (sign-up's session predates its team: the viewer falls back).
      session: {
        create: {
          before: async (session, ctx) => {
            if (!ctx || (session as { activeOrganizationId?: string | null }).activeOrganizationId) return;
            const member = await ctx.context.adapter.findOne<{ organizationId: string }>({ model: "member", where: [{ field: "userId", value: session.userId }] });
            return member ? { data: { ...session, activeOrganizationId: member.organizationId } } : undefined;
          },
        },
      },
    },
    // Accepting an invitation needs its link's one-time token (team.acceptInvitation): the plugin's own endpoint would take the id alone.
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === "/organization/accept-invitation") throw new APIError("FORBIDDEN", { message: "Open the invitation's link to accept it." });
      }),
    },
    telemetry: { enabled: false },
  });

export type Auth = ReturnType<typeof createAuth>;

/** A configured secret, or one generated once for this checkout (<repo>/.data/auth-secret, gitignored). */
const authSecret = (): string => {
  if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET;
  const file = join(REPO_ROOT, ".data", "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(join(REPO_ROOT, ".data"), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    writeFileSync(file, secret, { flag: "wx", mode: 0o600 });
  } catch {
    return readFileSync(file, "utf8").trim(); // another process wrote it first
  }
  return secret;
};

const holder = globalThis as { headroomAuth?: Promise<Auth> };

export const getAuth = (): Promise<Auth> => {
  holder.headroomAuth ??= getDatabase().then((db) => createAuth(db, { secret: authSecret(), baseURL: env.BETTER_AUTH_URL }));
  return holder.headroomAuth;
};
