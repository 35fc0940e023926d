import Link from "next/link";
import { AcceptInvite } from "@/components/team/accept-invite";
import { getSignedInViewer } from "@/server/page-context";

export const metadata = { title: "Join a team — Headroom" };

export default async function InvitePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ token?: string | string[] }> }) {
  const { id } = await params;
  const raw = (await searchParams).token;
  // The link's one-time token rides along through sign-in (base64url: nothing safeNext would refuse).
  const token = typeof raw === "string" && /^[\w-]{16,128}$/.test(raw) ? raw : "";
  const viewer = await getSignedInViewer(); // a new invitee has no team until they accept
  const next = encodeURIComponent(`/invite/${encodeURIComponent(id)}${token ? `?token=${token}` : ""}`);
  return (
    <div className="auth-card">
      <h1>Join a team on Headroom</h1>
      {!token ? (
        <p className="small">This link has no invitation token: ask whoever invited you for the link the Team page made for you.</p>
      ) : viewer ? (
        <AcceptInvite invitationId={id} token={token} email={viewer.email} />
      ) : (
        <>
          <p className="small">Sign in, or create an account with the email address the invitation was made for; then accept it here. The link works once.</p>
          <Link className="btn btn-primary" href={`/sign-up?next=${next}`}>Create account</Link>
          <Link className="btn" href={`/sign-in?next=${next}`}>Sign in</Link>
        </>
      )}
    </div>
  );
}
