import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRouterHarness, type RouterHarness } from "../testing/router-harness.ts";
import { createAuth } from "./auth.ts";
import { invitationInPath } from "./invitations.ts";

const SECRET = "a-test-secret-that-is-long-enough-0123456789";
let h: RouterHarness;
let auth: ReturnType<typeof createAuth>;
beforeAll(async () => {
  h = await startRouterHarness();
  auth = createAuth(h.db, { secret: SECRET, baseURL: "http://localhost:3000" });
});
afterAll(() => h.close());

const signUp = async (name: string, email: string, callbackURL?: string) => {
  const response = await auth.api.signUpEmail({ body: { name, email, password: "correct horse battery", ...(callbackURL && { callbackURL }) }, asResponse: true });
  expect(response.status).toBe(200);
  const headers = new Headers({ cookie: response.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ") });
  const session = (await auth.api.getSession({ headers }))!;
  return { headers, userId: session.user.id, name, email, teams: await auth.api.listOrganizations({ headers }) };
};

/** An owner's team, an invitation for `email` and its link path, as the Team page makes them. */
const invite = async (ownerName: string, email: string) => {
  const owner = await signUp(ownerName, `${ownerName.toLowerCase()}@example.test`);
  const teamId = owner.teams[0]!.id;
  const invitation = await auth.api.createInvitation({ headers: owner.headers, body: { email, role: "member", organizationId: teamId } });
  const { token } = await h.callerFor({ userId: owner.userId, name: owner.name, email: owner.email, teamId }).team.inviteLink({ invitationId: invitation.id });
  return { teamId, path: `/invite/${invitation.id}?token=${token}` };
};

describe("signing up through an invite link", () => {
  it("creates no team of the invitee's own: after accepting, the invitation's team is their only team", async () => {
    const { teamId, path } = await invite("Owen", "ines@example.test");
    const ines = await signUp("Ines", "ines@example.test", path);
    expect(ines.teams).toEqual([]);
    const link = invitationInPath(path)!;
    expect(await h.callerFor({ userId: ines.userId, name: "Ines", email: ines.email, teamId: null }).team.acceptInvitation(link)).toEqual({ teamId });
    expect((await auth.api.listOrganizations({ headers: ines.headers })).map((team) => team.id)).toEqual([teamId]);
  });

  it("still creates the account's own team when the link is for another address, has a wrong token, or is not an invite", async () => {
    const { path } = await invite("Pat", "someone@example.test");
    expect((await signUp("Other", "other@example.test", path)).teams).toHaveLength(1);
    const { path: forRay } = await invite("Quincy", "ray@example.test");
    expect((await signUp("Ray", "ray@example.test", forRay.replace(/token=.*/, `token=${"x".repeat(43)}`))).teams).toHaveLength(1);
    expect((await signUp("Sol", "sol@example.test", "/jobs")).teams).toHaveLength(1);
  });
});

describe("invitationInPath", () => {
  it("reads the invite page's own path only", () => {
    expect(invitationInPath(`/invite/abc?token=${"t".repeat(43)}`)).toEqual({ invitationId: "abc", token: "t".repeat(43) });
    expect(invitationInPath("/invite/abc")).toBeNull();
    expect(invitationInPath(`https://evil.example/invite/abc?token=${"t".repeat(43)}`)).toBeNull();
    expect(invitationInPath(undefined)).toBeNull();
  });
});
