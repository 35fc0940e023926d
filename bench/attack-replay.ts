// Replays issue 16's attacks against a running `npm start` on loopback, bounded in count and time, and prints tries
// and outcomes per class. An attack that succeeds fails the run: a bad upload stored (201), a 5xx where a 4xx
// belongs, a client body naming a path, a port, SQL or a stack, a foreign team's row read, a redirect off-origin.
// Run against your own: npm run attacks -w @headroom/bench -- http://localhost:3000 (it signs up two accounts).
// `npm test` runs it inside bench/start-check.ts against a throwaway npm start.
import { resolvePlan } from "@headroom/estimator";
import { mediaCases } from "./attack-media.ts";
import { createClient, dataOf, signUp, type Answer, type Client } from "./loopback-client.ts";

type Try = { label: string; run: () => Promise<Answer>; check: (answer: Answer) => string | null };
type AttackClass = { name: string; tries: Try[] };
export type ClassOutcome = { name: string; tries: number; held: number; statuses: Record<number, number>; failures: string[]; seconds: number };

/** Slower than this, one request holds a server slot too long (issue 16: a crafted MP3 held one for 2 min). */
const TRY_BUDGET_MS = 15_000;
const BURST_REQUESTS = 400;
const BURST_CONCURRENCY = 16;
/** The tRPC body cap is 1 MiB (apps/web trpc-http.ts); 3 MiB is well past it. */
const OVERSIZED_TRPC_BYTES = 3 * 1024 * 1024;
/** The default image cap is 20 MiB (apps/web env MAX_IMAGE_BYTES); a little over it, sent chunked with no length. */
const OVERSIZED_IMAGE_BYTES = 21 * 1024 * 1024;
const CHUNK_BYTES = 16 * 1024;
const CHUNKED_REPEATS = 10;
const EVIL_HOST = "evil.example";

/** What must never reach a client: server paths, loopback ports, driver or SQL text, stack frames. */
const LEAKS: Array<[string, RegExp]> = [
  ["a server path", /(?:^|[\s"'(:])\/(?:work|home|root|tmp|usr|var|opt|srv)\/[\w.-]/],
  ["an address with a port", /\b(?:127\.0\.0\.1|localhost|0\.0\.0\.0):\d{2,5}\b/],
  ["a driver error", /ECONNREFUSED|ECONNRESET|EPIPE|ENOENT/],
  ["SQL or Prisma text", /\b(?:SELECT|INSERT INTO|UPDATE|DELETE FROM)\b.*\b(?:FROM|SET|VALUES|WHERE)\b|prisma\.|PrismaClient|invalid input syntax|violates .* constraint/i],
  ["a stack frame", /\n\s+at [\w.<>]+ \(|\bat async\b/],
];
export const leakIn = (body: string): string | null => LEAKS.find(([, pattern]) => pattern.test(body))?.[0] ?? null;

const is4xx = (status: number) => status >= 400 && status < 500;
/** Refused with a 4xx (one of `statuses` when given), never stored, never a 5xx. */
const refused =
  (...statuses: number[]) =>
  (answer: Answer): string | null =>
    (statuses.length > 0 ? statuses.includes(answer.status) : is4xx(answer.status)) ? null : `answered ${answer.status}, wanted ${statuses.join("/") || "4xx"}`;
const retryDropped = async (run: () => Promise<Answer>, attempts = 3): Promise<Answer> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
};

const answered = (status: number) => (answer: Answer) => (answer.status === status ? null : `answered ${answer.status}, wanted ${status}`);

const upload = (client: Client, kind: string, name: string, body: RequestInit["body"], init: RequestInit = {}) =>
  client.request(`/api/uploads?kind=${kind}&name=${encodeURIComponent(name)}`, { method: "POST", body, ...init, headers: { "content-type": "application/octet-stream", ...init.headers } });

/** An over-limit image sent chunked in 16 KiB pieces (no Content-Length): Next once raised uncaughtException on it. */
const chunkedImage = (bytes: number): ReadableStream<Uint8Array> => {
  let sent = 0;
  return new ReadableStream({
    pull: (controller) => {
      if (sent >= bytes) return controller.close();
      controller.enqueue(new Uint8Array(CHUNK_BYTES));
      sent += CHUNK_BYTES;
    },
  });
};

type Bench = { alice: Client; bob: Client; anonymous: Client; aliceJobId: string | null; aliceAssetId: string };

const uploadClasses = (bench: Bench): AttackClass => ({
  name: "bad uploads",
  tries: mediaCases().map((media) => ({
    label: media.name,
    run: () => upload(bench.alice, media.kind, media.fileName, new Uint8Array(media.bytes)),
    check: media.isValid ? answered(201) : refused(400, 413, 415, 422),
  })),
});

const crossTeam = (bench: Bench): AttackClass => {
  const jobId = bench.aliceJobId ?? "job-of-another-team";
  const assetId = bench.aliceAssetId;
  const bob = bench.bob;
  return {
    name: "cross-team reads",
    tries: [
      // the controls: the ids are real, Alice reads both
      { label: "Alice's own upload (control)", run: () => bench.alice.query("uploads.get", { id: assetId }), check: answered(200) },
      ...(bench.aliceJobId ? [{ label: "Alice's own job (control)", run: () => bench.alice.query("jobs.get", { id: jobId }), check: answered(200) }] : []),
      { label: "an upload's bytes", run: () => bob.request(`/api/files/assets/${assetId}`), check: refused(403, 404) },
      { label: "uploads.get", run: () => bob.query("uploads.get", { id: assetId }), check: refused(403, 404) },
      { label: "jobs.get", run: () => bob.query("jobs.get", { id: jobId }), check: refused(403, 404) },
      { label: "jobs.events", run: () => bob.query("jobs.events", { id: jobId }), check: refused(403, 404) },
      { label: "jobs.context", run: () => bob.query("jobs.context", { id: jobId }), check: refused(403, 404) },
      { label: "jobs.vram", run: () => bob.query("jobs.vram", { id: jobId }), check: (a) => (a.status === 200 && a.body.includes(jobId) ? "answered with the job" : is4xx(a.status) || a.status === 200 ? null : `answered ${a.status}`) },
      { label: "jobs.cancel", run: () => bob.mutate("jobs.cancel", { id: jobId }), check: refused(403, 404) },
      { label: "jobs.rerun", run: () => bob.mutate("jobs.rerun", { id: jobId }), check: refused(403, 404) },
      { label: "an artifact", run: () => bob.request(`/api/files/artifacts/${jobId}/result.json`), check: refused(403, 404) },
      { label: "jobs.list does not list it", run: () => bob.query("jobs.list", {}), check: (a) => (a.status !== 200 ? `answered ${a.status}` : a.body.includes(jobId) ? "listed the other team's job" : null) },
      {
        label: "jobs.submit with its upload",
        run: () => bob.mutate("jobs.submit", { plan: resolvePlan({}), runner: "liveavatar", prompt: "a person talking", inputAssetIds: [assetId, assetId] }),
        check: refused(400, 403, 404),
      },
    ],
  };
};

const signedOut = ({ anonymous }: Bench): AttackClass => ({
  name: "signed-out procedure calls",
  tries: [
    ...["jobs.list", "hosts.list", "team.current", "team.members", "team.list", "reports.get"].map((procedure) => ({
      label: procedure,
      run: () => anonymous.query(procedure, procedure === "reports.get" ? { id: "x" } : procedure === "jobs.list" ? {} : undefined),
      check: refused(401),
    })),
    ...["jobs.submit", "jobs.cancel", "team.create", "team.acceptInvitation"].map((procedure) => ({
      label: procedure,
      run: () => anonymous.mutate(procedure, { id: "x", name: "x", plan: resolvePlan({}), runner: "probe", invitationId: "x", token: "x".repeat(20) }),
      check: refused(401),
    })),
    { label: "POST /api/uploads", run: () => upload(anonymous, "image", "a.png", new Uint8Array(8)), check: refused(401) },
    { label: "an upload's bytes", run: () => anonymous.request("/api/files/assets/x"), check: refused(401, 404) },
  ],
});

const FEASIBILITY_BAD = [
  "count=0x10", "count=0b11", "count=1e1", "count=-1", "count=0", "count=99999999999", "count=1.5", "count=%20", "count=",
  "gpu=../../etc/passwd", "gpu=rtx-4090%00", "size=abc", "size=704*384*2", "num_clip=NaN", "num_clip=Infinity", "num_clip=1e400",
  "infer_frames=-48", "unknown_flag=1", `gpu=${"x".repeat(5000)}`, "count=5&count=6", "num_clip=2&num-clip=3",
];
const feasibility = ({ anonymous }: Bench): AttackClass => ({
  name: "malformed feasibility queries",
  tries: FEASIBILITY_BAD.map((query) => ({ label: query.slice(0, 40), run: () => anonymous.request(`/api/feasibility?${query}`), check: refused(400) })),
});

const wronglyTyped = (bench: Bench): AttackClass => {
  const { alice } = bench;
  const id = bench.aliceJobId ?? "x";
  const raw = (procedure: string, body: string) => alice.request(`/api/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  return {
    name: "wrongly typed tRPC calls",
    tries: [
      { label: "jobs.get id as a number", run: () => alice.query("jobs.get", { id: 123 }), check: refused(400) },
      { label: "jobs.get id of 100 characters", run: () => alice.query("jobs.get", { id: "x".repeat(100) }), check: refused(400) },
      { label: "jobs.get unknown id", run: () => alice.query("jobs.get", { id: "no-such-job" }), check: refused(404) },
      { label: "jobs.events afterSeq 2^31", run: () => alice.query("jobs.events", { id, afterSeq: 2147483648 }), check: refused(400) },
      { label: "jobs.events afterSeq -1", run: () => alice.query("jobs.events", { id, afterSeq: -1 }), check: refused(400) },
      { label: "jobs.events afterSeq 1.5", run: () => alice.query("jobs.events", { id, afterSeq: 1.5 }), check: refused(400) },
      { label: "jobs.list limit as text", run: () => alice.query("jobs.list", { limit: "ten" }), check: refused(400) },
      { label: "jobs.list limit 10^6", run: () => alice.query("jobs.list", { limit: 1_000_000 }), check: refused(400) },
      { label: "jobs.submit plan as text", run: () => alice.mutate("jobs.submit", { plan: "x", runner: "probe" }), check: refused(400) },
      { label: "jobs.submit unknown runner", run: () => alice.mutate("jobs.submit", { plan: resolvePlan({}), runner: "rm -rf /" }), check: refused(400) },
      { label: "jobs.submit count 2^40", run: () => alice.mutate("jobs.submit", { plan: { ...resolvePlan({}), hardware: { ...resolvePlan({}).hardware, count: 2 ** 40 } }, runner: "probe" }), check: refused(400) },
      {
        label: "LiveAvatar with two images, no audio",
        run: () => alice.mutate("jobs.submit", { plan: resolvePlan({}), runner: "liveavatar", prompt: "a person talking", inputAssetIds: [bench.aliceAssetId, bench.aliceAssetId] }),
        check: refused(400),
      },
      { label: "a body that is not JSON", run: () => raw("jobs.submit", "{not json"), check: refused(400) },
      { label: "input as an array", run: () => raw("jobs.submit", "[1,2,3]"), check: refused(400) },
      { label: "input as null", run: () => raw("jobs.cancel", "null"), check: refused(400) },
      { label: "an unknown procedure", run: () => alice.query("jobs.dropTables", {}), check: refused(404) },
    ],
  };
};

const NEXTS = [
  `/\\${EVIL_HOST}/`, `//${EVIL_HOST}/`, `https://${EVIL_HOST}/`, `/%5C${EVIL_HOST}/`, `/%2F${EVIL_HOST}/`, `%2F%2F${EVIL_HOST}`,
  `\\\\${EVIL_HOST}`, `/\t/${EVIL_HOST}`, `javascript:alert('${EVIL_HOST}')`, `/%09/${EVIL_HOST}`, `https:${EVIL_HOST}`, `/%5c%5c${EVIL_HOST}`, `////${EVIL_HOST}`,
];
/** The `next` the sign-in page hands its form, as it appears in the page's RSC payload (`"next":"…"`, quotes escaped). */
const nextProp = (html: string): string | null => /\\"next\\":\\"([^"\\]*)\\"/.exec(html)?.[1] ?? null;
const openRedirect = ({ anonymous }: Bench): AttackClass => ({
  name: "open-redirect nexts",
  tries: [
    // the control: a same-origin next is kept, so finding "/" for the others means they were refused
    { label: "/team?kept=1 (control)", run: () => anonymous.request(`/sign-in?next=${encodeURIComponent("/team?kept=1")}`), check: (a) => (a.status === 200 && nextProp(a.body) === "/team?kept=1" ? null : `answered ${a.status}, next ${nextProp(a.body)}`) },
    ...NEXTS.map((next) => ({
      label: next.slice(0, 40),
      run: () => anonymous.request(`/sign-in?next=${encodeURIComponent(next)}`),
      check: (a: Answer) => (a.status !== 200 ? `answered ${a.status}` : a.location?.includes(EVIL_HOST) ? "redirected off-origin" : nextProp(a.body) !== "/" ? `the form was given next ${nextProp(a.body)}` : null),
    })),
  ],
});

const oversized = ({ alice }: Bench): AttackClass => ({
  name: "oversized bodies",
  tries: [
    {
      label: "jobs.submit of 3 MiB",
      run: () => alice.request("/api/trpc/jobs.submit", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: { prompt: "x".repeat(OVERSIZED_TRPC_BYTES) } }) }),
      check: refused(413),
    },
    { label: "an image over the cap, with its length", run: () => upload(alice, "image", "big.png", new Uint8Array(OVERSIZED_IMAGE_BYTES)), check: refused(413) },
    // repeated: a refusal sent while the client is still sending was reset on 1 try in 20 (the route now drains first)
    ...Array.from({ length: CHUNKED_REPEATS }, (_, i) => ({
      label: `an image over the cap, chunked (${i + 1} of ${CHUNKED_REPEATS})`,
      run: () => upload(alice, "image", "big.png", chunkedImage(OVERSIZED_IMAGE_BYTES), { duplex: "half" } as RequestInit),
      check: refused(413),
    })),
    // A keep-alive socket the server closed after refusing a body may still sit in the client's pool: a dropped
    // connection is retried (a browser does the same); a server that stopped answering fails all three.
    { label: "the server still answers", run: () => retryDropped(() => alice.query("jobs.list", {})), check: answered(200) },
  ],
});

/** 400 mixed requests, 16 at a time: health, good and bad plans, signed-in and signed-out procedures. */
const burst = ({ alice, anonymous }: Bench): AttackClass => {
  const kinds: Array<[string, () => Promise<Answer>, (a: Answer) => string | null]> = [
    ["health", () => anonymous.request("/api/health"), answered(200)],
    ["a good plan", () => anonymous.request("/api/feasibility?gpu=rtx-4090&count=5&size=704*384&num_clip=100"), answered(200)],
    ["a bad plan", () => anonymous.request("/api/feasibility?count=0x10"), refused(400)],
    ["signed out", () => anonymous.query("jobs.list", {}), refused(401)],
    ["jobs.list", () => alice.query("jobs.list", {}), answered(200)],
  ];
  return {
    name: "burst of mixed requests",
    tries: Array.from({ length: BURST_REQUESTS }, (_, i) => {
      const [label, run, check] = kinds[i % kinds.length]!;
      return { label, run, check };
    }),
  };
};

const runTry = async (attempt: Try): Promise<{ status: number; failure: string | null }> => {
  const started = Date.now();
  let answer: Answer;
  try {
    answer = await attempt.run();
  } catch (error) {
    return { status: 0, failure: `${attempt.label}: no answer (${(error as Error).message})` };
  }
  const ms = Date.now() - started;
  const leak = leakIn(answer.body);
  const failure = answer.status >= 500 ? `answered ${answer.status}` : leak ? `the body names ${leak}: ${answer.body.slice(0, 160)}` : ms > TRY_BUDGET_MS ? `took ${ms} ms` : attempt.check(answer);
  return { status: answer.status, failure: failure && `${attempt.label}: ${failure}` };
};

const runClass = async (attack: AttackClass, concurrency: number): Promise<ClassOutcome> => {
  const started = Date.now();
  const results: Array<{ status: number; failure: string | null }> = [];
  const queue = [...attack.tries];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) results.push(await runTry(next));
    }),
  );
  const statuses: Record<number, number> = {};
  for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
  const failures = results.flatMap((r) => (r.failure ? [r.failure] : []));
  return { name: attack.name, tries: results.length, held: results.length - failures.length, statuses, failures, seconds: (Date.now() - started) / 1000 };
};

/** A job of Alice's for the cross-team tries (queued when a worker is online, else none: those tries use a made-up id). */
const submitProbe = async (client: Client): Promise<string | null> => {
  const outcome = dataOf<{ kind: string; job?: { id: string } }>(await client.mutate("jobs.submit", { plan: resolvePlan({}), runner: "probe", confirmWarnings: true }));
  return outcome.job?.id ?? null;
};

export const replayAttacks = async (baseUrl: string, log: (line: string) => void = console.log): Promise<ClassOutcome[]> => {
  const [alice, bob] = [await signUp(baseUrl, "Alice"), await signUp(baseUrl, "Bob")];
  const control = await upload(alice, "image", "alice.png", new Uint8Array(mediaCases()[0]!.bytes));
  if (control.status !== 201) throw new Error(`Alice's upload answered ${control.status}: ${control.body.slice(0, 200)}`);
  const bench: Bench = { alice, bob, anonymous: createClient(baseUrl), aliceJobId: await submitProbe(alice), aliceAssetId: (JSON.parse(control.body) as { asset: { id: string } }).asset.id };
  const outcomes: ClassOutcome[] = [];
  for (const [attack, concurrency] of [
    [uploadClasses(bench), 1],
    [crossTeam(bench), 1],
    [signedOut(bench), 1],
    [feasibility(bench), 1],
    [wronglyTyped(bench), 1],
    [openRedirect(bench), 1],
    [oversized(bench), 1],
    [burst(bench), BURST_CONCURRENCY],
  ] as const) {
    const outcome = await runClass(attack, concurrency);
    const statuses = Object.entries(outcome.statuses).map(([status, n]) => `${status}×${n}`).join(" ");
    log(`${outcome.name.padEnd(32)} ${String(outcome.tries).padStart(4)} tries  ${String(outcome.held).padStart(4)} held  ${outcome.seconds.toFixed(1).padStart(5)} s  [${statuses}]`);
    for (const failure of outcome.failures) log(`  FAILED ${failure}`);
    outcomes.push(outcome);
  }
  return outcomes;
};

const isMain = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const outcomes = await replayAttacks(process.argv[2] ?? "http://localhost:3000");
  process.exit(outcomes.every((o) => o.failures.length === 0) ? 0 : 1);
}
