"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth-client";

export function AcceptInvite({ invitationId, email }: { invitationId: string; email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const accept = async () => {
    const result = await authClient.organization.acceptInvitation({ invitationId });
    if (result.error) return setError(result.error.message ?? "Could not accept the invitation");
    // Through the endpoint that also refreshes the session cookie, so the next page already acts in the new team.
    await authClient.organization.setActive({ organizationId: result.data.member.organizationId });
    router.push("/team");
    router.refresh();
  };
  return (
    <>
      <p className="small">Signed in as <b>{email}</b>. Accepting makes this team your active team.</p>
      <button type="button" className="btn btn-primary" onClick={() => void accept()}>Accept invitation</button>
      {error && <div className="callout callout-error">{error}</div>}
    </>
  );
}
