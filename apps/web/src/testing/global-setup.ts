// vitest globalSetup: one embedded PostgreSQL per run with a migrated template; each test file copies it.
import { startMigratedTemplate } from "@headroom/db/testing";
import type { TestProject } from "vitest/node";

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
