"use client";
import { Panel } from "@headroom/ui";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { authClient } from "@/lib/auth-client";
import { useTRPC } from "@/lib/trpc";
import { CopyLink } from "./copy-link";

type Invitation = { id: string; email: string; role: string | null; status: string; expiresAt: Date };

/** Invites by link: no email is sent; the link, with its one-time token, is shown here to pass on to the invitee only. */
export function InvitePanel({ teamId, canInvite }: { teamId: string; canInvite: boolean }) {
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<string | null>(null);
  const trpc = useTRPC();
  const inviteLink = useMutation(trpc.team.inviteLink.mutationOptions());
  // A new token each time: the link shown last is the only one that works.
  const linkFor = async (id: string) => `${window.location.origin}/invite/${id}?token=${(await inviteLink.mutateAsync({ invitationId: id })).token}`;
  const load = async () => {
    const result = await authClient.organization.listInvitations({ query: { organizationId: teamId } });
    if (result.data) setInvitations((result.data as Invitation[]).filter((invitation) => invitation.status === "pending"));
  };
  useEffect(() => {
    void load();
  }, [teamId]);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    const result = await authClient.organization.inviteMember({ email: String(form.get("email")), role: form.get("role") === "admin" ? "admin" : "member", organizationId: teamId });
    if (result.error) return setError(result.error.message ?? "Could not invite");
    setCreated(await linkFor(result.data.id));
    await load();
  };
  return (
    <Panel title="Invite a teammate">
      <div className="panel-body">
        {canInvite ? (
          <form onSubmit={onSubmit} className="panel-body">
            <div className="field"><label className="field-label" htmlFor="invite-email">Email</label><input id="invite-email" name="email" type="email" required /></div>
            <div className="field"><label className="field-label" htmlFor="invite-role">Role</label><select id="invite-role" name="role" defaultValue="member"><option value="member">member</option><option value="admin">admin</option></select></div>
            <button type="submit" className="btn btn-primary">Create invite link</button>
          </form>
        ) : (
          <p className="small muted">Only owners and admins can invite.</p>
        )}
        {error && <div className="callout callout-error">{error}</div>}
        {created && (
          <div className="callout callout-ok" data-testid="invite-link">
            Send this link to your teammate only (no email is sent); it works once, for an account with that address:
            <CopyLink value={created} testId="invite-link-text" />
          </div>
        )}
        {invitations.length > 0 && (
          <>
            <div className="form-section-title">Pending invitations</div>
            <ul className="host-list">
              {invitations.map((invitation) => (
                <li key={invitation.id} className="host-item">
                  <span>{invitation.email} <span className="muted">{invitation.role}</span></span>
                  <button type="button" className="btn btn-xs" title="Earlier links for this invitation stop working" onClick={() => void linkFor(invitation.id).then((link) => setCreated(link))}>New link</button>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </Panel>
  );
}
