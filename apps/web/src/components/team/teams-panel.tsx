"use client";
import { Panel } from "@headroom/ui";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useSwitchTeam } from "@/lib/switch-team";
import { useTRPC } from "@/lib/trpc";

type TeamRow = { id: string; name: string; role: string; isActive: boolean };

/** The viewer's teams, with switching and creating another one (which becomes the active team). */
export function TeamsPanel({ teams }: { teams: TeamRow[] }) {
  const trpc = useTRPC();
  const { pendingId, error, choose } = useSwitchTeam("/team");
  const create = useMutation(trpc.team.create.mutationOptions({ onSuccess: (team) => void choose(team.id) }));
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({ name: String(new FormData(event.currentTarget).get("name") ?? "") });
  };
  return (
    <Panel title="Your teams" testId="teams-panel">
      <div className="panel-body">
        <ul className="host-list">
          {teams.map((team) => (
            <li key={team.id} className="host-item" data-testid="team-row">
              <span><b>{team.name}</b> <span className="muted">{team.role}</span></span>
              {team.isActive ? (
                <span className="badge badge-online">active</span>
              ) : (
                <button type="button" className="btn btn-xs" onClick={() => void choose(team.id)} disabled={pendingId !== null}>
                  {pendingId === team.id ? "Switching…" : "Switch"}
                </button>
              )}
            </li>
          ))}
        </ul>
        <form onSubmit={onSubmit} className="panel-body">
          <div className="field">
            <label className="field-label" htmlFor="new-team-name">New team</label>
            <input id="new-team-name" name="name" type="text" required maxLength={60} placeholder="e.g. Research" />
          </div>
          <button type="submit" className="btn" disabled={create.isPending || pendingId !== null}>{create.isPending ? "Creating…" : "Create and switch to it"}</button>
        </form>
        {create.error && <div className="callout callout-error" role="alert">{create.error.message}</div>}
        {error && <div className="callout callout-error" role="alert">{error}</div>}
      </div>
    </Panel>
  );
}
