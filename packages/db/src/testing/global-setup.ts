// vitest globalSetup: one embedded PostgreSQL per run, in a fresh temp folder, with a migrated template database.
import type { TestProject } from "vitest/node";
import { startMigratedTemplate } from "./test-database.ts";

declare module "vitest" {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  export interface ProvidedContext {
    templateUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startMigratedTemplate();
  project.provide("templateUrl", cluster.templateUrl);
  return () => cluster.dispose();
}
