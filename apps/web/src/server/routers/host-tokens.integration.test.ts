import { addMember, verifyHostToken } from "@headroom/db";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRouterHarness, type RouterHarness } from "../../testing/router-harness.ts";
import type { Viewer } from "../viewer.ts";

let h: RouterHarness;
let owner: Viewer & { teamId: string };
let other: Viewer & { teamId: string };

beforeAll(async () => {
  h = await startRouterHarness();
  owner = await h.signUp("Olive");
  other = await h.signUp("Oscar");
});
afterAll(() => h.close());

const codeOf = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => (error instanceof TRPCError ? error.code : String(error)));

describe("host tokens on the hosts page", () => {
  it("an owner creates one (the secret once, only its hash stored) and revokes it; the secret then stops working", async () => {
    const caller = h.callerFor(owner);
    const { id, secret } = await caller.hosts.createToken({ name: "rented H100 box" });
    expect(secret).toMatch(/^hrt_[\w-]{43}$/);
    const row = await h.db.hostToken.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row.teamIds).toEqual([owner.teamId]);
    const { tokens, canManage } = await caller.hosts.tokens();
    expect(canManage).toBe(true);
    expect(tokens).toEqual([expect.objectContaining({ id, name: "rented H100 box", revokedAt: null, hostNames: [] })]);
    expect(JSON.stringify(tokens)).not.toContain("secretHash");
    expect(await verifyHostToken(h.db, secret)).toMatchObject({ id });

    expect(await h.callerFor(other).hosts.revokeToken({ id })).toEqual({ revoked: false }); // another team's token
    expect(await caller.hosts.revokeToken({ id })).toEqual({ revoked: true });
    expect(await verifyHostToken(h.db, secret)).toBeNull();
    expect((await caller.hosts.tokens()).tokens[0]!.revokedAt).toBeInstanceOf(Date);
  });

  it("a plain member sees the team's tokens but may not create or revoke them", async () => {
    const member = await h.signUp("Mia");
    await addMember(h.db, { teamId: owner.teamId, userId: member.userId, role: "member" });
    const asMember = h.callerFor({ ...member, teamId: owner.teamId });
    expect((await asMember.hosts.tokens()).canManage).toBe(false);
    expect(await codeOf(asMember.hosts.createToken({ name: "mine" }))).toBe("FORBIDDEN");
    const { id } = await h.callerFor(owner).hosts.createToken({ name: "box" });
    expect(await codeOf(asMember.hosts.revokeToken({ id }))).toBe("FORBIDDEN");
  });
});
