import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { pathAfterSwitch } from "@/lib/switch-team";
import { TeamSwitcher } from "./team-switcher";

const teams = [
  { id: "t1", name: "Erin team", isActive: false },
  { id: "t2", name: "Night shift", isActive: true },
  { id: "t3", name: "Research", isActive: false },
];

describe("TeamSwitcher", () => {
  const html = renderToStaticMarkup(<TeamSwitcher teams={teams} />);

  it("names only the active team where the header showed the team's name", () => {
    expect(html).toMatch(/<summary class="team-name" data-testid="team-name"[^>]*>Night shift<\/summary>/);
  });
  it("offers the viewer's other teams, and the team page", () => {
    const items = [...html.matchAll(/role="menuitem"[^>]*>([^<]+)</g)].map((match) => match[1]);
    expect(items).toEqual(["Erin team", "Research", "Manage teams…"]);
  });
  it("with one team, offers to create another", () => {
    expect(renderToStaticMarkup(<TeamSwitcher teams={[{ id: "t1", name: "Solo", isActive: true }]} />)).toContain("Create another team…");
  });
});

describe("pathAfterSwitch", () => {
  it("leaves a job page (the job belongs to the old team) for the job list, and stays anywhere else", () => {
    expect(pathAfterSwitch({ pathname: "/jobs/0198-abc", search: "" })).toBe("/jobs");
    expect(pathAfterSwitch({ pathname: "/jobs", search: "?state=failed" })).toBe("/jobs?state=failed");
    expect(pathAfterSwitch({ pathname: "/", search: "?gpu=h100-sxm&count=2" })).toBe("/?gpu=h100-sxm&count=2");
  });
});
