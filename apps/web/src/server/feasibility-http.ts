import type { IncomingMessage, ServerResponse } from "node:http";
import { planFromQuery } from "@headroom/estimator";
import { checkPlan } from "../lib/check-plan.ts";
import { feasibilitySummary } from "../lib/feasibility-summary.ts";
import { getMeasuredRuns } from "./measured-runs.ts";
import { toPublicError } from "./public-error.ts";

export const FEASIBILITY_PATH = "/api/feasibility";

const json = (response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-cache", ...headers });
  response.end(response.req.method === "HEAD" ? undefined : body);
};

/** `GET /api/feasibility?<plan flags>` (the playground's URL query): served by plain node:http ahead of Next,
 * because the route is session-free and the framework's per-request cost dominates its latency budget. Every answer
 * is computed (~0.1 ms): a cache of answers promoted every miss into the old generation, and under distinct plans
 * the collections that churn caused were the p99 (bench/feasibility-load.ts). */
export const handleFeasibility = (request: IncomingMessage, response: ServerResponse): void => {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return json(response, 405, JSON.stringify({ error: { class: "bad-input", message: "use GET with the plan as query flags" } }), { allow: "GET, HEAD" });
  }
  const url = request.url ?? "";
  const at = url.indexOf("?");
  const parsed = planFromQuery(at < 0 ? "" : url.slice(at + 1));
  if (!parsed.ok) return json(response, 400, JSON.stringify({ error: { class: "bad-input", field: parsed.error.field, message: parsed.error.message } }));
  let body: string;
  try {
    body = JSON.stringify(feasibilitySummary(parsed.plan, checkPlan(parsed.plan, getMeasuredRuns())));
  } catch (error) {
    const { status, message } = toPublicError(error);
    return json(response, status, JSON.stringify({ error: { class: "server", message } }));
  }
  json(response, 200, body);
};
