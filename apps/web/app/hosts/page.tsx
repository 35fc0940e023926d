import { formatGib } from "@headroom/estimator";
import { FindingList } from "@headroom/ui";
import Link from "next/link";
import { headers } from "next/headers";
import { HostTokensPanel } from "@/components/hosts/host-tokens-panel";
import { formatWhen } from "@/lib/format";
import { env } from "@/server/env";
import { getServerCaller, requirePageViewer } from "@/server/page-context";

export const metadata = { title: "Hosts — Headroom" };

/** Registered GPU hosts: what each worker's preflight measured (FR-17..20) and whether it is online. */
export default async function HostsPage() {
  await requirePageViewer("/hosts");
  const caller = await getServerCaller();
  const [hosts, tokens] = await Promise.all([caller.hosts.list(), caller.hosts.tokens()]);
  // the address hosts reach this app at: the configured one, else the one this page was asked for
  const requested = await headers();
  const webUrl = env.BETTER_AUTH_URL ?? `${requested.get("x-forwarded-proto") ?? "http"}://${requested.get("host") ?? "localhost:3000"}`;
  const joinCommand = `npm run worker -- --web-url ${webUrl} --database-url "$DATABASE_URL" --token <token>`;
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">Workers register their host at start and refresh it on every preflight</div>
          <h1>GPU hosts</h1>
        </div>
        <div className="actions"><span className="small muted">{hosts.filter((host) => host.isOnline).length} of {hosts.length} online</span></div>
      </div>
      {hosts.length === 0 && <div className="table-wrap"><div className="empty">No worker has registered yet. Create a host token below and run the command it gives on a GPU host (README: &quot;Add a GPU host&quot;).</div></div>}
      {hosts.map((host) => (
        <section key={host.id} className="host-card" data-testid="host-card">
          <header className="host-card-head">
            <span className={`dot${host.isOnline ? " is-online" : ""}`} />
            <h2>{host.name}</h2>
            <span className="muted small">{host.hostname}</span>
            <span className={`badge ${host.isOnline ? "badge-online" : "badge-offline"}`}>{host.isOnline ? "online" : "offline"}</span>
            <span className="muted small" style={{ marginLeft: "auto" }}>last seen {formatWhen(host.lastSeenAt)} UTC · CUDA {host.inventory.cudaVersion ?? "—"}</span>
          </header>
          <p className="small muted" data-testid="host-status">
            Runners: {host.inventory.runners?.join(", ") || "not reported"}
            {" · "}Token: {host.token ? `${host.token.allTeams ? "local (this machine)" : host.token.name}, ${host.token.state}` : "none"}
            {" · "}{host.servesYourTeam ? "takes your team's jobs" : "does not take your team's jobs"}
            {" · "}Now: {host.currentJob ? (host.currentJob.id ? <Link href={`/jobs/${host.currentJob.id}`}>{host.currentJob.runner} job {host.currentJob.id.slice(0, 8)}</Link> : `another team's ${host.currentJob.runner} job`) : "idle"}
          </p>
          <div className="host-card-body">
            <div>
              <table className="data">
                <thead><tr><th>GPU</th><th>Model</th><th className="num">Total</th><th className="num">Free</th><th className="num">Used</th><th>PCIe</th><th>Driver</th></tr></thead>
                <tbody>
                  {host.inventory.gpus.map((gpu) => (
                    <tr key={gpu.index}>
                      <td>{gpu.index}</td>
                      <td>{gpu.name}</td>
                      <td className="num">{formatGib(gpu.totalBytes)}</td>
                      <td className="num">{formatGib(gpu.freeBytes)}</td>
                      <td className="num">{formatGib(gpu.usedBytes)}</td>
                      <td>{gpu.pcieGen ? `Gen${gpu.pcieGen}` : "—"} {gpu.pcieWidth ? `x${gpu.pcieWidth}` : ""}</td>
                      <td>{gpu.driverVersion}</td>
                    </tr>
                  ))}
                  {host.inventory.gpus.length === 0 && <tr><td colSpan={7} className="muted">No GPU found (CPU-only host)</td></tr>}
                </tbody>
              </table>
              <p className="small muted">
                Host RAM {host.inventory.hostRam ? `${formatGib(host.inventory.hostRam.totalBytes)} total, ${formatGib(host.inventory.hostRam.availableBytes)} available` : "unknown"}
                {host.inventory.links.length > 0 && <> · links {host.inventory.links.map((link) => `${link.a}↔${link.b} ${link.label}`).join(", ")}</>}
              </p>
              {host.inventory.warnings.length > 0 && <ul className="small muted">{host.inventory.warnings.map((warning) => <li key={warning}>{warning}</li>)}</ul>}
            </div>
            <div>
              <div className="form-section-title">Preflight findings (FR-17..20)</div>
              <FindingList findings={host.preflight} />
            </div>
          </div>
        </section>
      ))}
      <HostTokensPanel tokens={tokens.tokens} canManage={tokens.canManage} joinCommand={joinCommand} />
    </>
  );
}
