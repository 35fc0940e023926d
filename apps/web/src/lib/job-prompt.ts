import { z } from "zod";

/** LiveAvatar's --prompt, as a job stores it: what the playground's textarea and the submit procedure both check. */
export const JOB_PROMPT_MAX_CHARS = 2000;

// Postgres text refuses NUL and a process argument cannot hold one; other control characters (but tab and line breaks)
// are pasting accidents.
const hasControlCharacter = (text: string) =>
  [...text].some((char) => {
    const code = char.charCodeAt(0);
    return (code < 0x20 && char !== "\t" && char !== "\n" && char !== "\r") || code === 0x7f;
  });

export const JobPrompt = z
  .string()
  .trim()
  .min(1, "The prompt is empty: describe the video LiveAvatar should make.")
  .max(JOB_PROMPT_MAX_CHARS, `The prompt is too long: keep it to ${JOB_PROMPT_MAX_CHARS} characters.`)
  .refine((text) => !hasControlCharacter(text), "The prompt contains control characters: remove them and try again.");
export type JobPrompt = z.infer<typeof JobPrompt>;

/** A LiveAvatar job without a prompt: the playground says it before submitting, the submit procedure refuses it. */
export const LIVEAVATAR_NEEDS_PROMPT = "LiveAvatar needs a prompt: describe the video it should make.";

/** The message to show beside the textarea, or null when the prompt can be submitted. */
export const promptProblem = (text: string): string | null => {
  const parsed = JobPrompt.safeParse(text);
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? "The prompt is not valid.");
};
