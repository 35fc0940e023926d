"use client";
import { useState } from "react";
import { exportRow, fetchAllPages, jobsToCsv, jobsToJson } from "@/lib/jobs-export";
import { useTRPCClient } from "@/lib/trpc";

export type JobsFilter = { state?: "queued" | "running" | "succeeded" | "failed" | "cancelled"; userId?: string; gpu?: string };

const download = (name: string, type: string, text: string) => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
};

/** Downloads every job the filter selects (all pages, not just the one shown) as CSV or JSON. */
export function JobsExportButtons({ filter, names }: { filter: JobsFilter; names: Map<string, string> }) {
  const client = useTRPCClient();
  const [busy, setBusy] = useState<"csv" | "json" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (format: "csv" | "json") => {
    setBusy(format);
    setError(null);
    try {
      // the filter's value as typed for the router (gpu is a catalog id from the select)
      const input = filter as Parameters<typeof client.jobs.list.query>[0];
      const jobs = await fetchAllPages((cursor) => client.jobs.list.query({ ...input, cursor, limit: 100 }));
      const memberName = (userId: string) => names.get(userId) ?? null;
      const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
      if (format === "csv") download(`headroom-jobs-${stamp}.csv`, "text/csv", jobsToCsv(jobs.map((job) => exportRow(job, memberName))));
      else download(`headroom-jobs-${stamp}.json`, "application/json", jobsToJson(jobs, memberName));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "The export failed.");
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <button type="button" className="btn btn-sm" onClick={() => void run("csv")} disabled={busy !== null} data-testid="export-csv">{busy === "csv" ? "Exporting…" : "Export CSV"}</button>
      <button type="button" className="btn btn-sm" onClick={() => void run("json")} disabled={busy !== null} data-testid="export-json">{busy === "json" ? "Exporting…" : "Export JSON"}</button>
      {error && <span className="upload-error" role="alert">{error}</span>}
    </>
  );
}
