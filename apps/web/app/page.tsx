import { planFromEntries, resolvePlan } from "@headroom/estimator";
import { Playground } from "@/components/playground/playground";
import { checkPlan } from "@/lib/check-plan";
import { getMeasuredRuns } from "@/server/measured-runs";
import { getPageViewer, getServerCaller } from "@/server/page-context";

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The first render already carries a verdict: the server checks the URL's plan; the browser takes over from there. */
export default async function PlaygroundPage({ searchParams }: { searchParams: SearchParams }) {
  const entries = Object.entries(await searchParams).flatMap(([key, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((item) => [key, item] as const),
  );
  const parsed = entries.length > 0 ? planFromEntries(entries, { once: true }) : null;
  const plan = parsed?.ok ? parsed.plan : resolvePlan();
  const parseError = parsed && !parsed.ok ? `${parsed.error.field} ${parsed.error.message}` : null;
  const viewer = await getPageViewer();
  const hosts = viewer ? await (await getServerCaller()).hosts.list() : [];
  return (
    <Playground
      initialPlan={plan}
      initialCheck={checkPlan(plan, getMeasuredRuns())}
      parseError={parseError}
      hosts={hosts.map(({ id, name, isOnline, inventory }) => ({ id, name, isOnline, inventory }))}
      isSignedIn={viewer !== null}
      teamId={viewer?.teamId ?? null}
      measuredRuns={getMeasuredRuns()}
    />
  );
}
