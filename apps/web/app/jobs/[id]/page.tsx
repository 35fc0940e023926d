import { notFound } from "next/navigation";
import { JobView } from "@/components/jobs/job-view";
import { getServerCaller, requirePageViewer } from "@/server/page-context";

export const metadata = { title: "Job — Headroom" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePageViewer(`/jobs/${id}`);
  // Another team's job answers exactly like a missing one.
  const found = await (await getServerCaller()).jobs.get({ id }).then(() => true, () => false);
  if (!found) notFound();
  return <JobView id={id} />;
}
