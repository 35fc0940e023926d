import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MeasurementFile } from "./run-cli.ts";

/** The repository's data/measurements, wherever the command is run from. */
export const DEFAULT_MEASUREMENTS_DIR = fileURLToPath(new URL("../../../data/measurements", import.meta.url));

export const readMeasurements = (dir: string | null): MeasurementFile[] => {
  const folder = dir ?? DEFAULT_MEASUREMENTS_DIR;
  return readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => {
      try {
        return { name, json: JSON.parse(readFileSync(join(folder, name), "utf8")) as unknown };
      } catch (error) {
        return { name, json: { unreadable: error instanceof Error ? error.message : String(error) } };
      }
    });
};
