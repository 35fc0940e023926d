import { fileURLToPath } from "node:url";
import { readMeasurementFiles } from "@headroom/measurements";
import type { MeasurementFile } from "./run-cli.ts";

/** The repository's data/measurements, wherever the command is run from. */
export const DEFAULT_MEASUREMENTS_DIR = fileURLToPath(new URL("../../../data/measurements", import.meta.url));

export const readMeasurements = (dir: string | null): MeasurementFile[] => readMeasurementFiles(dir ?? DEFAULT_MEASUREMENTS_DIR);
