import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { nearestMeasurements, resolvePlan } from "@headroom/estimator";
import { describe, expect, it } from "vitest";
import { getMeasuredRuns, MEASUREMENTS_DIR } from "./measured-runs.ts";

const committedFiles = () => readdirSync(MEASUREMENTS_DIR).filter((name) => name.endsWith(".json")).sort();

describe("getMeasuredRuns", () => {
  it("reads every committed measurement under <repo>/data/measurements, once per process", () => {
    const runs = getMeasuredRuns();
    expect(MEASUREMENTS_DIR).toMatch(/data\/measurements$/);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.map((run) => run.file)).toEqual(committedFiles());
    expect(getMeasuredRuns()).toBe(runs);
  });

  it("gives the playground's neighbours straight from the committed files", () => {
    const neighbours = nearestMeasurements(resolvePlan(), getMeasuredRuns());
    expect(neighbours).toHaveLength(3);
    for (const neighbour of neighbours) {
      const json = JSON.parse(readFileSync(join(MEASUREMENTS_DIR, neighbour.file), "utf8")) as { id: string; gpu: string; capBytes: number | null };
      expect({ id: neighbour.id, gpu: neighbour.gpu, capBytes: neighbour.capBytes }).toEqual({ id: json.id, gpu: json.gpu, capBytes: json.capBytes });
    }
  });

  it("finds each committed run as its own plan's nearest, with nothing different", () => {
    const runs = getMeasuredRuns();
    for (const run of runs) {
      const [first] = nearestMeasurements(run.plan, runs, 1);
      expect(first?.distance, run.id).toBe(0);
      expect(first?.differences, run.id).toEqual([]);
    }
  });
});
