import "@headroom/ui/styles.css";
import "./globals.css";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import { Providers } from "@/lib/trpc";
import { getPageViewer } from "@/server/page-context";
import { getServerCaller } from "@/server/page-context";

export const metadata: Metadata = { title: "Headroom — know before you OOM", description: "Will this LiveAvatar run fit these GPUs?" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await getPageViewer();
  const teams = viewer ? await (await getServerCaller()).team.list() : [];
  return (
    <html lang="en">
      <body>
        <Providers>
          <SiteHeader viewer={viewer ? { name: viewer.name, email: viewer.email } : null} teams={teams.map(({ id, name, isActive }) => ({ id, name, isActive }))} />
          <main className="page">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
