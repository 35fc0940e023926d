// vitest globalSetup: the database package's own — one embedded PostgreSQL per run with a migrated template.
export { default } from "@headroom/db/testing/global-setup";
