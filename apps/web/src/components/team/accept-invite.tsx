"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { authClient } from "@/lib/auth-client";
import { useTRPC } from "@/lib/trpc";

const NOT_VALID = "This link does not work for this account: it may be for another email address, already used, replaced by a newer link, or expired.";

export function AcceptInvite({ invitationId, token, email }: { invitationId: string; token: string; email: string }) {
  const router = useRouter();
  const trpc = useTRPC();
  const acceptInvitation = useMutation(trpc.team.acceptInvitation.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const accept = async () => {
    const joined = await acceptInvitation.mutateAsync({ invitationId, token }).catch(() => null);
    if (!joined) return setError(NOT_VALID);
    // Through the endpoint that also refreshes the session cookie, so the next page already acts in the new team.
    await authClient.organization.setActive({ organizationId: joined.teamId });
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
