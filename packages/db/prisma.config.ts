// Read by the Prisma CLI (generate only: migrations are plain SQL applied by src/migrate.ts).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  // generate never connects; the URL only has to parse
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/headroom" },
});
