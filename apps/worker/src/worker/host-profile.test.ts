import { JOB_RUNNERS, queuesServedBy, CPU_INVENTORY } from "@headroom/db";
import { describe, expect, it } from "vitest";
import { capture, HOST_CAPTURES } from "../preflight/captures.ts";
import type { Collectors } from "../preflight/collect-captures.ts";
import { describeHost, inspectHost } from "./host-profile.ts";

const meminfo = async () => capture("h200x2/meminfo.txt");
const captured = (host: keyof typeof HOST_CAPTURES): Collectors => ({
  run: async (_command, args) => {
    const text = HOST_CAPTURES[host]();
    return { stdout: args[0] === "topo" ? text.topo : args[0] === "-q" ? text.memory : text.query, error: null };
  },
  readMeminfo: meminfo,
});
const noNvidiaSmi: Collectors = { run: async (command) => ({ stdout: "", error: `${command} not found` }), readMeminfo: meminfo };

describe("inspectHost", () => {
  it("serves a GPU host the queues its GPUs hold, running probes on CUDA", async () => {
    const host = await inspectHost(null, ["probe"], captured("h200x2"));
    expect(host.device).toBe("cuda");
    const classes = ["v16", "v24", "v32", "v48", "v80", "v141"];
    expect(host.queues).toEqual([1, 2].flatMap((count) => classes.map((vram) => `run.g${count}.${vram}`)));
    expect(describeHost(host)).toMatch(/^0: NVIDIA H200 \(140\.4 GiB\); 1: NVIDIA H200 \(140\.4 GiB\); serves run\.g1\.v16, .*, run\.g2\.v141$/);
  });

  it("serves the five 4090s of the field report's box up to five-GPU 24 GB plans", async () => {
    const host = await inspectHost(null, ["probe"], captured("rtx4090x5"));
    expect(host.queues.filter((q) => q.endsWith(".v24"))).toEqual([1, 2, 3, 4, 5].map((n) => `run.g${n}.v24`));
  });

  it("makes a host without nvidia-smi the CPU pseudo-inventory: every shape, tiny probes on the CPU", async () => {
    const host = await inspectHost(null, ["probe"], noNvidiaSmi);
    expect(host).toMatchObject({ device: "cpu", queues: queuesServedBy(CPU_INVENTORY, ["probe"]), inventory: { gpus: [] } });
    expect(host.queues).toHaveLength(8 * 7);
    expect(host.findings.map((f) => f.ruleId)).toEqual(["preflight/no-gpu"]);
    expect(describeHost(host)).toBe("no GPUs; serves every queue, tiny probe runs on the CPU");
  });

  it("serves nothing where CUDA is demanded and there is no GPU; PROBE_DEVICE=cpu on a GPU host takes every queue", async () => {
    expect((await inspectHost("cuda", ["probe"], noNvidiaSmi)).queues).toEqual([]);
    expect(await inspectHost("cpu", ["probe"], captured("h200x2"))).toMatchObject({ device: "cpu", queues: queuesServedBy(CPU_INVENTORY, ["probe"]) });
  });

  it("serves only the runners installed here: a host without LiveAvatar never takes a LiveAvatar queue, a CPU host none at all", async () => {
    const probeOnly = await inspectHost(null, ["probe", "upstream"], captured("h200x2"));
    expect(probeOnly.queues).toContain("run.g1.v80");
    expect(probeOnly.queues).toContain("run.upstream.g1.v80");
    expect(probeOnly.queues.some((q) => q.startsWith("run.liveavatar."))).toBe(false);
    expect((await inspectHost(null, JOB_RUNNERS, captured("h200x2"))).queues).toContain("run.liveavatar.g2.v141");
    expect((await inspectHost("cpu", JOB_RUNNERS, captured("h200x2"))).queues.some((q) => q.startsWith("run.liveavatar."))).toBe(false);
  });
});
