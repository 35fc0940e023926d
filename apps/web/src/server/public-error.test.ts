import { describe, expect, it, vi } from "vitest";
import { DATABASE_UNAVAILABLE, SERVER_FAILED, errorResponse, redactInternals, toPublicError } from "./public-error.ts";
import { UploadRejected } from "./uploads/store-upload.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("toPublicError", () => {
  it.each([
    withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
    new Error("Can't reach database server at `127.0.0.1:54321`\n\nPlease make sure your database server is running at `127.0.0.1:54321`."),
    withCode("terminating connection due to administrator command", "57P01"),
    new Error("Connection terminated unexpectedly"),
    new Error("invocation failed", { cause: withCode("connect ECONNREFUSED ::1:5432", "ECONNREFUSED") }),
  ])("a database outage reads 'unavailable, try again' with 503: %s", (error) => {
    const log = vi.fn();
    expect(toPublicError(error, { log })).toEqual({ status: 503, message: DATABASE_UNAVAILABLE });
    expect(log).toHaveBeenCalledWith(error);
  });

  it.each([
    new Error("\nInvalid `prisma.jobEvent.findMany()` invocation in\n/work/main/packages/db/src/queries/list-job-events.ts:12:3\n\nValue out of range for the type. The column `seq` ..."),
    withCode('duplicate key value violates unique constraint "job_pkey"', "23505"),
    new Error('select * from "job" where "teamId" = $1 — syntax error at or near "where"'),
    new Error("ENOENT: no such file or directory, open '/srv/headroom/storage/tmp/2c1f.part'"),
    new TypeError("Cannot read properties of undefined (reading 'width')"),
    "a thrown string",
  ])("anything unexpected reads one fixed sentence with 500, and is logged in full: %s", (error) => {
    const log = vi.fn();
    const answer = toPublicError(error, { log });
    expect(answer).toEqual({ status: 500, message: SERVER_FAILED });
    expect(log).toHaveBeenCalledWith(error);
  });

  it("keeps an expected error's own words, with its status, without paths or addresses", () => {
    const log = vi.fn();
    const error = new Error("Failed to determine audio format: /srv/headroom/storage/tmp/2c1f-aa.part (from 10.0.0.4:9000)");
    expect(toPublicError(error, { isExpected: true, status: 422, log })).toEqual({ status: 422, message: "Failed to determine audio format: … (from …)" });
    expect(log).not.toHaveBeenCalled();
  });
});

describe("redactInternals", () => {
  it.each([
    ["…/storage/tmp/2c1f.part is damaged", "… is damaged"],
    ["C:\\data\\headroom\\x.wav is damaged", "… is damaged"],
    ["file:///srv/x.png failed", "… failed"],
    ["connect ECONNREFUSED 127.0.0.1:5432", "connect ECONNREFUSED …"],
    ["at [::1]:5432 and localhost:3000", "at … and …"],
  ])("%j → %j", (message, redacted) => {
    expect(redactInternals(message)).toBe(redacted);
  });
  it.each(["The image is 4000×3000 pixels; the limit is 8.3 megapixels.", "expected PNG, JPEG or WebP (image/png)", "LiveAvatar needs one image and one audio file"])("leaves a user message alone: %s", (message) => {
    expect(redactInternals(message)).toBe(message);
  });
});

describe("errorResponse (the upload route's answers)", () => {
  it("a refused upload keeps its status and words, never the temporary file's path", async () => {
    const response = errorResponse(new UploadRejected("The audio cannot be used: it cannot be read as audio (Failed to determine audio format: /srv/headroom/storage/tmp/2c1f.part)."), { isExpected: true, status: 422 });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: "The audio cannot be used: it cannot be read as audio (Failed to determine audio format: …)." });
  });
  it("a database outage during an upload reads 503 'try again'", async () => {
    vi.spyOn(console, "error").mockImplementationOnce(() => {});
    const response = errorResponse(withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"));
    expect([response.status, await response.json()]).toEqual([503, { error: DATABASE_UNAVAILABLE }]);
  });
});
