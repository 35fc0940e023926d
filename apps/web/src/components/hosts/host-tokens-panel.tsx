"use client";
import { Panel } from "@headroom/ui";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/lib/trpc";
import { CopyLink } from "../team/copy-link";

type Token = { id: string; name: string; createdAt: Date; revokedAt: Date | null; hostNames: string[] };

/** The team's host tokens: a GPU host joins with one; the secret is shown here once, then only its hash is kept. */
export function HostTokensPanel({ tokens, canManage, joinCommand }: { tokens: Token[]; canManage: boolean; joinCommand: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const create = useMutation(trpc.hosts.createToken.mutationOptions());
  const revoke = useMutation(trpc.hosts.revokeToken.mutationOptions());
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const name = String(new FormData(event.currentTarget).get("name"));
    try {
      setSecret((await create.mutateAsync({ name })).secret);
      router.refresh();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "Could not create the token");
    }
  };
  return (
    <Panel title="Host tokens">
      <div className="panel-body">
        {canManage ? (
          <form onSubmit={onSubmit} className="panel-body">
            <div className="field"><label className="field-label" htmlFor="token-name">Name (the machine it is for)</label><input id="token-name" name="name" required maxLength={60} /></div>
            <button type="submit" className="btn btn-primary" disabled={create.isPending}>Create host token</button>
          </form>
        ) : (
          <p className="small muted">Only the team&apos;s owners and admins create and revoke host tokens.</p>
        )}
        {error && <div className="callout callout-error">{error}</div>}
        {secret && (
          <div className="callout callout-ok" data-testid="host-token-secret">
            Copy it now: it is shown once. On the GPU host, run:
            <CopyLink value={joinCommand.replace("<token>", secret)} testId="host-join-command" />
          </div>
        )}
        {tokens.length > 0 && (
          <ul className="host-list" data-testid="host-tokens">
            {tokens.map((token) => (
              <li key={token.id} className="host-item">
                <span>
                  {token.name} <span className={`badge ${token.revokedAt ? "badge-offline" : "badge-online"}`}>{token.revokedAt ? "revoked" : "live"}</span>{" "}
                  <span className="muted small">{token.hostNames.length > 0 ? `used by ${token.hostNames.join(", ")}` : "no host has joined with it yet"}</span>
                </span>
                {canManage && !token.revokedAt && (
                  <button type="button" className="btn btn-xs" title="Its hosts take no more jobs and can move no more files" onClick={() => void revoke.mutateAsync({ id: token.id }).then(() => router.refresh())}>Revoke</button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Panel>
  );
}
