"use client";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { useSwitchTeam } from "@/lib/switch-team";

export type TeamOption = { id: string; name: string; isActive: boolean };

/** The header's team: the active one's name, opening a menu of the viewer's other teams to switch to. */
export function TeamSwitcher({ teams }: { teams: TeamOption[] }) {
  const { pendingId, error, choose } = useSwitchTeam();
  const menu = useRef<HTMLDetailsElement>(null);
  // A click anywhere else closes the menu, as a menu does.
  useEffect(() => {
    const close = (event: MouseEvent) => {
      if (menu.current?.open && !menu.current.contains(event.target as Node)) menu.current.open = false;
    };
    document.addEventListener("click", close);
    return () => document.removeEventListener("click", close);
  }, []);
  const active = teams.find((team) => team.isActive);
  const others = teams.filter((team) => !team.isActive);
  return (
    <details ref={menu} className="team-menu" data-testid="team-switcher">
      <summary className="team-name" data-testid="team-name" title="Switch team">{active?.name ?? "No team"}</summary>
      <div className="team-menu-list" role="menu">
        {others.length > 0 && <div className="team-menu-label">Switch to</div>}
        {others.map((team) => (
          <button key={team.id} type="button" role="menuitem" className="team-menu-item" onClick={() => void choose(team.id)} disabled={pendingId !== null}>
            {pendingId === team.id ? `Switching to ${team.name}…` : team.name}
          </button>
        ))}
        <Link href="/team" className="team-menu-item" role="menuitem">{others.length > 0 ? "Manage teams…" : "Create another team…"}</Link>
        {error && <div className="callout callout-error">{error}</div>}
      </div>
    </details>
  );
}
