import { planFromQuery, resolvePlan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { exportRow, fetchAllPages, jobsToCsv, jobsToJson, type ExportableJob } from "./jobs-export";

const job = (over: Partial<ExportableJob> = {}): ExportableJob => ({
  id: "0193a0b0-0000-7000-8000-000000000001",
  userId: "u1",
  plan: resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { offloadModel: true } }),
  state: "succeeded",
  runner: "probe",
  errorClass: null,
  host: { name: "gpu-box" },
  createdAt: "2026-12-04T10:00:00.000Z",
  startedAt: "2026-12-04T10:00:01.000Z",
  finishedAt: "2026-12-04T10:01:31.500Z",
  predictedPeakBytes: 22_000_000_000,
  measuredPeakBytes: null,
  ...over,
});
const names = (userId: string) => ({ u1: "Alice", u2: "=HYPERLINK(\"http://x\")" })[userId] ?? null;

describe("jobsToCsv", () => {
  it("writes a header and one flat row per job, the plan's flags and its share-link query", () => {
    const csv = jobsToCsv([exportRow(job(), names)]);
    const [header, row, end] = csv.split("\r\n");
    expect(header).toBe("id,state,error_class,runner,member,host,gpu,gpu_count,size,num_clip,mode,fp8,flags,created_at,started_at,finished_at,duration_s,predicted_peak_bytes,measured_peak_bytes,plan_query");
    expect(row).toMatch(/^0193a0b0-0000-7000-8000-000000000001,succeeded,,probe,Alice,gpu-box,RTX 4090,5,720\*400,10000,tpp,true,offload_model,2026-12-04T10:00:00.000Z,2026-12-04T10:00:01.000Z,2026-12-04T10:01:31.500Z,90.5,22000000000,,/);
    expect(end).toBe("");
    const query = row!.split(",").at(-1)!;
    const back = planFromQuery(query);
    expect(back.ok && back.plan).toEqual(job().plan);
  });
  it("quotes commas and quotes, and defuses a member name a spreadsheet would run as a formula", () => {
    const row = exportRow(job({ userId: "u2", host: { name: 'box "a", rack 2' } }), names);
    const csv = jobsToCsv([row]).split("\r\n")[1]!;
    expect(csv).toContain(`,"'=HYPERLINK(""http://x"")","box ""a"", rack 2",`);
  });
  it("leaves a running job's duration empty", () => {
    expect(exportRow(job({ state: "running", finishedAt: null }), names).duration_s).toBeNull();
  });
});

describe("num_clip in the export", () => {
  it("is the clips that ran once the audio is known (⌈25 · 7.5 / 48⌉ = 4), as the jobs list says; num_clip as given before", () => {
    const capped = resolvePlan({ params: { numClip: 100, audioSeconds: 7.5 } });
    expect(exportRow(job({ plan: capped }), names).num_clip).toBe(4);
    expect(exportRow(job(), names).num_clip).toBe(10000);
  });
});

describe("jobsToJson", () => {
  it("keeps the whole plan beside the flat fields", () => {
    const parsed = JSON.parse(jobsToJson([job()], names)) as { plan: unknown; member: string }[];
    expect(parsed[0]!.plan).toEqual(job().plan);
    expect(parsed[0]!.member).toBe("Alice");
  });
});

describe("fetchAllPages", () => {
  it("follows the cursor to the last page", async () => {
    const pages: Record<string, { items: number[]; nextCursor: string | null }> = { start: { items: [1, 2], nextCursor: "b" }, b: { items: [3], nextCursor: null } };
    expect(await fetchAllPages((cursor) => Promise.resolve(pages[cursor ?? "start"]!))).toEqual([1, 2, 3]);
  });
  it("stops a cursor that never ends", async () => {
    await expect(fetchAllPages(() => Promise.resolve({ items: [0], nextCursor: "again" }), 3)).rejects.toThrow(/3 pages/);
  });
});
