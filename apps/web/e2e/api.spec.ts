import { expect, test } from "@playwright/test";

// The built server (npm run start) answers the public feasibility API ahead of Next, signed out.
test("GET /api/feasibility answers the report's failing plan and names a bad flag", async ({ request }) => {
  const failing = await request.get("/api/feasibility?gpu=rtx-4090&count=5&size=704*384&num_clip=100");
  expect(failing.status()).toBe(200);
  const body = await failing.json();
  expect(body.status).toBe("out-of-memory");
  expect(body.gpus).toHaveLength(5);
  expect(body.plan).toContain("count=5");

  const bad = await request.get("/api/feasibility?count=zero");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({ class: "bad-input", field: "count" });

  const page = await request.get(`/?${body.plan}`);
  expect(page.status()).toBe(200);
});
