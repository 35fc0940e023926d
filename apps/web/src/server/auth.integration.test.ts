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
