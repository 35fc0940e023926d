import "@headroom/ui/styles.css";
import "./globals.css";
import "./console.css";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import { THEME_BOOT_SCRIPT } from "@/lib/theme";
import { Providers } from "@/lib/trpc";
import { getSignedInViewer } from "@/server/page-context";
import { getServerCaller } from "@/server/page-context";

export const metadata: Metadata = { title: "Headroom — know before you OOM", description: "Will this LiveAvatar run fit these GPUs?" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Not getPageViewer: the header must not give a new invitee a team of their own before they accept.
  const viewer = await getSignedInViewer();
  const teams = viewer ? await (await getServerCaller()).team.list() : [];
  return (
    // The boot script may set data-theme before React hydrates: that attribute is expected to differ.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <Providers>
          <SiteHeader viewer={viewer ? { name: viewer.name, email: viewer.email } : null} teams={teams.map(({ id, name, isActive }) => ({ id, name, isActive }))} />
          <main className="page">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
