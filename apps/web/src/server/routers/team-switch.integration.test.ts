// Team switching through real better-auth sessions: the active team lives on the session (set by better-auth's
// setActive, which also rewrites the cached session cookie); every team-scoped router reads it through the viewer.
import { resolvePlan } from "@headroom/estimator";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRouterHarness, type RouterHarness } from "../../testing/router-harness.ts";
import { createAuth, type Auth } from "../auth.ts";
import { createAsset } from "../data.ts";
import { createCaller } from "../root.ts";
import { resolveViewer } from "../viewer.ts";

const FITS_PLAN = resolvePlan({ hardware: { gpu: "h100-sxm", count: 1 }, params: { numClip: 10 } });
const PASSWORD = "correct horse battery";

const codeOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return (error as TRPCError).code;
};

/** A browser's cookie jar for one account: Set-Cookie lines in, a Cookie header out. */
const cookieJar = () => {
  const cookies = new Map<string, string>();
  return {
    take: (response: Response) => {
      for (const line of response.headers.getSetCookie()) {
        const [pair = ""] = line.split(";");
        const at = pair.indexOf("=");
        cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return response;
    },
    headers: () => new Headers({ cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join("; ") }),
  };
};

let h: RouterHarness;
let auth: Auth;
beforeAll(async () => {
  h = await startRouterHarness();
  auth = createAuth(h.db, { secret: "a-test-secret-that-is-long-enough-0123456789", baseURL: "http://localhost:3000" });
});
afterAll(() => h.close());

/** A signed-up account whose tRPC caller resolves its viewer from the jar's cookies on every call, as a request would. */
const signUp = async (name: string) => {
  const jar = cookieJar();
  jar.take(await auth.api.signUpEmail({ body: { name, email: `${name.toLowerCase()}@example.test`, password: PASSWORD }, asResponse: true }));
  const caller = () => createCaller({ db: h.db, storageDir: h.storageDir, queue: h.queue, viewer: () => resolveViewer(auth, jar.headers()) });
  const switchTo = async (teamId: string) => (await auth.api.setActiveOrganization({ headers: jar.headers(), body: { organizationId: teamId }, asResponse: true }).then(jar.take)).status;
  return { jar, caller, switchTo };
};

describe("a user in two teams", () => {
  it("creates a second team from /team, switches between them, and sees only the active team's jobs, reports and uploads", async () => {
    const gwen = await signUp("Gwen");
    const [home] = await gwen.caller().team.list();
    expect(home).toMatchObject({ name: "Gwen's team", role: "owner", isActive: true });

    const homeJob = await gwen.caller().jobs.submit({ plan: FITS_PLAN, runner: "probe", confirmWarnings: true });
    if (homeJob.kind !== "queued") throw new Error("expected a queued job");
    const homeReport = await gwen.caller().reports.create({ plan: FITS_PLAN });
    const session = await auth.api.getSession({ headers: gwen.jar.headers() });
    const homeUpload = await createAsset(h.db, { teamId: home!.id, uploaderId: session!.user.id, kind: "image", mime: "image/png", bytes: 4, sha256: "0".repeat(64), storagePath: "x.png" });

    const night = await gwen.caller().team.create({ name: "  Night shift  " });
    expect(night.name).toBe("Night shift");
    // Creating a team does not move the session: the list shows both, the first still active.
    expect((await gwen.caller().team.list()).map((team) => [team.name, team.role, team.isActive])).toEqual([
      ["Gwen's team", "owner", true],
      ["Night shift", "owner", false],
    ]);

    expect(await gwen.switchTo(night.id)).toBe(200);
    const caller = gwen.caller();
    expect((await caller.team.current()).team.id).toBe(night.id);
    expect((await caller.team.list()).find((team) => team.isActive)?.id).toBe(night.id);
    expect((await caller.jobs.list({})).items).toEqual([]);
    expect(await codeOf(caller.jobs.get({ id: homeJob.job.id }))).toBe("NOT_FOUND");
    expect(await codeOf(caller.reports.get({ id: homeReport.id }))).toBe("NOT_FOUND");
    expect(await codeOf(caller.uploads.get({ id: homeUpload.id }))).toBe("NOT_FOUND");
    const nightJob = await caller.jobs.submit({ plan: FITS_PLAN, runner: "probe", confirmWarnings: true });
    if (nightJob.kind !== "queued") throw new Error("expected a queued job");
    expect(nightJob.job.teamId).toBe(night.id);
    expect((await caller.jobs.list({})).items.map((job) => job.id)).toEqual([nightJob.job.id]);

    expect(await gwen.switchTo(home!.id)).toBe(200);
    const back = gwen.caller();
    expect((await back.jobs.list({})).items.map((job) => job.id)).toEqual([homeJob.job.id]);
    expect((await back.reports.get({ id: homeReport.id })).teamId).toBe(home!.id);
    expect((await back.uploads.get({ id: homeUpload.id })).id).toBe(homeUpload.id);
    expect(await codeOf(back.jobs.get({ id: nightJob.job.id }))).toBe("NOT_FOUND");
  });

  it("cannot switch into a team they do not belong to", async () => {
    const hal = await signUp("Hal");
    const ivy = await signUp("Ivy");
    const [ivysTeam] = await ivy.caller().team.list();
    const ivysJob = await ivy.caller().jobs.submit({ plan: FITS_PLAN, runner: "probe", confirmWarnings: true });
    if (ivysJob.kind !== "queued") throw new Error("expected a queued job");
    expect(await hal.switchTo(ivysTeam!.id)).toBe(403);
    const caller = hal.caller();
    expect((await caller.team.current()).team.id).not.toBe(ivysTeam!.id);
    expect((await caller.team.list()).map((team) => team.name)).toEqual(["Hal's team"]);
    expect((await caller.jobs.list({})).items).toEqual([]);
    expect(await codeOf(caller.jobs.get({ id: ivysJob.job.id }))).toBe("NOT_FOUND");
  });

  it("names a new team, within 60 characters", async () => {
    const jo = await signUp("Jo");
    expect(await codeOf(jo.caller().team.create({ name: "   " }))).toBe("BAD_REQUEST");
    expect(await codeOf(jo.caller().team.create({ name: "x".repeat(61) }))).toBe("BAD_REQUEST");
    expect(await codeOf(createCaller({ db: h.db, storageDir: h.storageDir, queue: h.queue, viewer: async () => null }).team.create({ name: "Drifters" }))).toBe("UNAUTHORIZED");
    expect((await jo.caller().team.list()).map((team) => team.name)).toEqual(["Jo's team"]);
  });
});
