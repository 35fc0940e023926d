-- 003: job-runner-upstream. The upstream harness (LiveAvatar's own code, random weights) as a job runner.
-- Written by hand (an enum value; scripts/new-migration.ts would emit the same statement).

-- AlterEnum
ALTER TYPE "job_runner" ADD VALUE 'upstream';
