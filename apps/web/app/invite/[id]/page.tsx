import Link from "next/link";
import { AcceptInvite } from "@/components/team/accept-invite";
import { getPageViewer } from "@/server/page-context";

export const metadata = { title: "Join a team — Headroom" };

export default async function InvitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await getPageViewer();
  const next = encodeURIComponent(`/invite/${id}`);
  return (
    <div className="auth-card">
      <h1>Join a team on Headroom</h1>
      {viewer ? (
        <AcceptInvite invitationId={id} email={viewer.email} />
      ) : (
        <>
          <p className="small">Sign in, or create an account with the email address the invitation was made for; then accept it here.</p>
          <Link className="btn btn-primary" href={`/sign-up?next=${next}`}>Create account</Link>
          <Link className="btn" href={`/sign-in?next=${next}`}>Sign in</Link>
        </>
      )}
    </div>
  );
}
