"use client";
import { useState } from "react";
import { authClient } from "./auth-client";

/** Where to land after switching: a job page belongs to the old team, so it becomes the new team's job list. */
export const pathAfterSwitch = (location: { pathname: string; search: string }): string =>
  location.pathname.startsWith("/jobs/") ? "/jobs" : `${location.pathname}${location.search}`;

/**
 * Makes `teamId` the session's active team (better-auth checks the membership and rewrites the session cookie), then
 * loads the page afresh: cached job lists and the playground's uploads belong to the old team. Returns an error message.
 */
export const switchTeam = async (teamId: string, to?: string): Promise<string | null> => {
  const result = await authClient.organization.setActive({ organizationId: teamId });
  if (result.error) return result.error.message ?? "Could not switch teams";
  window.location.assign(to ?? pathAfterSwitch(window.location));
  return null;
};

/** Switching from a button: which team is being switched to, and the error if the switch failed. */
export const useSwitchTeam = (to?: string) => {
  const [pendingId, setPendingId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const choose = async (id: string) => {
    setPendingId(id);
    setError(null);
    const problem = await switchTeam(id, to);
    if (problem) {
      setError(problem);
      setPendingId(null);
    }
  };
  return { pendingId, error, choose };
};
