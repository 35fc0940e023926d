"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { authClient } from "@/lib/auth-client";
import { TeamSwitcher, type TeamOption } from "./team/team-switcher";
import { ThemeToggle } from "./theme-toggle";

const NAV = [
  { href: "/", label: "Playground" },
  { href: "/jobs", label: "Jobs" },
  { href: "/hosts", label: "Hosts" },
  { href: "/team", label: "Team" },
  { href: "/evidence", label: "Evidence" },
];

export function SiteHeader({ viewer, teams }: { viewer: { name: string; email: string } | null; teams: TeamOption[] }) {
  const pathname = usePathname();
  const router = useRouter();
  const signOut = async () => {
    await authClient.signOut();
    router.push("/sign-in");
    router.refresh();
  };
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        <span className="brand-mark">▮▮▯</span> Headroom
      </Link>
      <nav className="site-nav">
        {NAV.map((item) => {
          const isActive = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
          return (
            <Link key={item.href} href={item.href} className={isActive ? "is-active" : undefined}>
              {item.label}
            </Link>
          );
        })}
      </nav>
      <div className="site-user">
        <ThemeToggle />
        {viewer ? (
          <>
            <TeamSwitcher teams={teams} />
            <span className="user-name" title={viewer.email}>{viewer.name}</span>
            <button type="button" className="link-button" onClick={signOut}>Sign out</button>
          </>
        ) : (
          <>
            <Link href="/sign-in">Sign in</Link>
            <Link href="/sign-up" className="btn btn-sm btn-primary">Create account</Link>
          </>
        )}
      </div>
    </header>
  );
}
