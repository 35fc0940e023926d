import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "./migrate.ts";

const read = (relative: string) => readFileSync(fileURLToPath(new URL(relative, import.meta.url)), "utf8");

describe("migrations folder", () => {
  it("has a migration for the current schema.prisma", () => {
    expect(
      read("../prisma/schema.prisma") === read("../migrations/schema.snapshot.prisma"),
      "prisma/schema.prisma changed since the last migration: run `npm run migration:new -w @headroom/db -- <name>`",
    ).toBe(true);
  });

  it("numbers its SQL files 001, 002, … with no gaps, forward only", () => {
    const files = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith(".sql")).sort();
    files.forEach((file, i) => expect(file).toMatch(new RegExp(`^${String(i + 1).padStart(3, "0")}\\.do\\.[a-z0-9-]+\\.sql$`)));
    expect(files.length).toBeGreaterThan(0);
  });
});
