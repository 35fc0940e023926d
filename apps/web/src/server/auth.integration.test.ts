import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRouterHarness, type RouterHarness } from "../testing/router-harness.ts";
import { createAuth } from "./auth.ts";
import { listMembers } from "./data.ts";

let h: RouterHarness;
beforeAll(async () => {
  h = await startRouterHarness();
});
afterAll(() => h.close());

describe("accounts", () => {
  it("the first sign-up creates the account's own team with it as owner, and the session resolves to it", async () => {
    const auth = createAuth(h.db, { secret: "a-test-secret-that-is-long-enough-0123456789", baseURL: "http://localhost:3000" });
    const response = await auth.api.signUpEmail({ body: { name: "Carol", email: "carol@example.test", password: "correct horse battery" }, asResponse: true });
    expect(response.status).toBe(200);
    const cookie = response.headers.get("set-cookie")!.split(";")[0]!;
    const headers = new Headers({ cookie });
    const teams = await auth.api.listOrganizations({ headers });
    expect(teams).toHaveLength(1);
    expect(teams[0]!.name).toBe("Carol's team");
    const members = await listMembers(h.db, teams[0]!.id);
    expect(members).toMatchObject([{ role: "owner", user: { email: "carol@example.test" } }]);
  });

  it("a later sign-in starts in the user's team", async () => {
    const auth = createAuth(h.db, { secret: "a-test-secret-that-is-long-enough-0123456789", baseURL: "http://localhost:3000" });
    await auth.api.signUpEmail({ body: { name: "Erin", email: "erin@example.test", password: "correct horse battery" } });
    const response = await auth.api.signInEmail({ body: { email: "erin@example.test", password: "correct horse battery" }, asResponse: true });
    const cookie = response.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
    const session = await auth.api.getSession({ headers: new Headers({ cookie }) });
    const teams = await auth.api.listOrganizations({ headers: new Headers({ cookie }) });
    expect(session?.session.activeOrganizationId).toBe(teams[0]!.id);
  });

  it("hashes passwords through better-auth and refuses a wrong one", async () => {
    const auth = createAuth(h.db, { secret: "a-test-secret-that-is-long-enough-0123456789", baseURL: "http://localhost:3000" });
    await auth.api.signUpEmail({ body: { name: "Dan", email: "dan@example.test", password: "correct horse battery" } });
    const wrong = await auth.api.signInEmail({ body: { email: "dan@example.test", password: "wrong password!" }, asResponse: true });
    expect(wrong.status).toBe(401);
  });
});

describe("invitations are bound to their holder", () => {
  const SECRET = "a-test-secret-that-is-long-enough-0123456789";
  const signUp = async (auth: ReturnType<typeof createAuth>, name: string, email: string) => {
    const response = await auth.api.signUpEmail({ body: { name, email, password: "correct horse battery" }, asResponse: true });
    const headers = new Headers({ cookie: response.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ") });
    const session = (await auth.api.getSession({ headers }))!;
    const [team] = await auth.api.listOrganizations({ headers });
    return { headers, viewer: { userId: session.user.id, name, email, teamId: team!.id } };
  };

  it("needs the link's one-time token and the invitee's account: an id alone, a look-alike sign-up, a used or replaced token all fail", async () => {
    const auth = createAuth(h.db, { secret: SECRET, baseURL: "http://localhost:3000" });
    const owner = await signUp(auth, "Olga", "olga@example.test");
    const invitation = await auth.api.createInvitation({ headers: owner.headers, body: { email: "ivan@example.test", role: "member", organizationId: owner.viewer.teamId } });
    const ownerCaller = h.callerFor(owner.viewer);

    // The invitee's address signed up by someone who only has the link's id: better-auth's endpoint is closed, ours wants the token.
    const ivan = await signUp(auth, "Ivan", "ivan@example.test");
    await expect(auth.api.acceptInvitation({ headers: ivan.headers, body: { invitationId: invitation.id } })).rejects.toMatchObject({ statusCode: 403 });
    const ivanCaller = h.callerFor(ivan.viewer);
    await expect(ivanCaller.team.acceptInvitation({ invitationId: invitation.id, token: "x".repeat(43) })).rejects.toMatchObject({ code: "NOT_FOUND" });

    // Only owners and admins get a token; a new token replaces the old one.
    await expect(ivanCaller.team.inviteLink({ invitationId: invitation.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { token: first } = await ownerCaller.team.inviteLink({ invitationId: invitation.id });
    const { token } = await ownerCaller.team.inviteLink({ invitationId: invitation.id });
    await expect(ivanCaller.team.acceptInvitation({ invitationId: invitation.id, token: first })).rejects.toMatchObject({ code: "NOT_FOUND" });

    // The token in another account's hands is refused, and not spent.
    const mallory = await signUp(auth, "Mallory", "mallory@example.test");
    await expect(h.callerFor(mallory.viewer).team.acceptInvitation({ invitationId: invitation.id, token })).rejects.toMatchObject({ code: "NOT_FOUND" });

    expect(await ivanCaller.team.acceptInvitation({ invitationId: invitation.id, token })).toEqual({ teamId: owner.viewer.teamId });
    expect((await listMembers(h.db, owner.viewer.teamId)).map((member) => member.userId)).toContain(ivan.viewer.userId);
    // Single use.
    await expect(ivanCaller.team.acceptInvitation({ invitationId: invitation.id, token })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("an expired invitation cannot be accepted, even with its token", async () => {
    const auth = createAuth(h.db, { secret: SECRET, baseURL: "http://localhost:3000" });
    const owner = await signUp(auth, "Pia", "pia@example.test");
    const invitation = await auth.api.createInvitation({ headers: owner.headers, body: { email: "quinn@example.test", role: "member", organizationId: owner.viewer.teamId } });
    const { token } = await h.callerFor(owner.viewer).team.inviteLink({ invitationId: invitation.id });
    const quinn = await signUp(auth, "Quinn", "quinn@example.test");
    await h.db.invitation.update({ where: { id: invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(h.callerFor(quinn.viewer).team.acceptInvitation({ invitationId: invitation.id, token })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
