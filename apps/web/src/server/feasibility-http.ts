import type { IncomingMessage, ServerResponse } from "node:http";
import { planFromQuery } from "@headroom/estimator";
import { checkPlan } from "../lib/check-plan.ts";
import { feasibilitySummary } from "../lib/feasibility-summary.ts";

export const FEASIBILITY_PATH = "/api/feasibility";

/** Answers are a pure function of the query and the estimator version, so the serialised body is kept:
 * the playground's "as you type" traffic repeats plans, and serialising is most of a request's cost. */
const CACHE_ENTRIES = 2048;
const cache = new Map<string, { status: number; body: Buffer }>();

const answer = (query: string): { status: number; body: Buffer } => {
  const parsed = planFromQuery(query);
  if (!parsed.ok) return { status: 400, body: Buffer.from(JSON.stringify({ error: { class: "bad-input", field: parsed.error.field, message: parsed.error.message } })) };
  return { status: 200, body: Buffer.from(JSON.stringify(feasibilitySummary(parsed.plan, checkPlan(parsed.plan)))) };
};

const cachedAnswer = (query: string): { status: number; body: Buffer } => {
  const hit = cache.get(query);
  if (hit) return hit;
  const fresh = answer(query);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(query, fresh);
  return fresh;
};

/** `GET /api/feasibility?<plan flags>` (the playground's URL query): served by plain node:http ahead of Next,
 * because the route is session-free and the framework's per-request cost dominates its latency budget. */
export const handleFeasibility = (request: IncomingMessage, response: ServerResponse): void => {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" });
    response.end(JSON.stringify({ error: { class: "bad-input", message: "use GET with the plan as query flags" } }));
    return;
  }
  const url = request.url ?? "";
  const at = url.indexOf("?");
  const { status, body } = cachedAnswer(at < 0 ? "" : url.slice(at + 1));
  response.writeHead(status, { "content-type": "application/json", "content-length": body.length, "cache-control": "no-cache" });
  response.end(request.method === "HEAD" ? undefined : body);
};
