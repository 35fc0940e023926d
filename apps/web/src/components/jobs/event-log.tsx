import { describeEvent, type StoredEvent } from "@/lib/job-events";

type Event = StoredEvent;

/** The runner's protocol lines as they arrived, newest last. */
export function EventLog({ events }: { events: readonly Event[] }) {
  if (events.length === 0) return <p className="muted small">No events yet.</p>;
  return (
    <pre className="logs" data-testid="job-log">
      {events.map((event) => (
        <div key={event.seq}>
          <span className="ev-at">{new Date(event.at).toISOString().slice(11, 23)}</span>{" "}
          <span className={event.type === "error" ? "ev-error" : "ev-type"}>{event.type.padEnd(8)}</span> {describeEvent(event)}
        </div>
      ))}
    </pre>
  );
}

/** Where no VRAM sampler ran (a CPU probe), the runner's own memory readings stand in, one point each. */
export const tracesFromMemoryEvents = (events: readonly Event[]) => {
  const byRank = new Map<number, { gpuIndex: number; peakMib: number; chunks: { startedAt: Date; intervalMs: number; samplesMib: number[] }[] }>();
  for (const event of events) {
    if (event.type !== "memory") continue;
    const bytes = Number(event.payload.deviceUsed ?? event.payload.reserved ?? event.payload.allocated);
    if (!Number.isFinite(bytes)) continue;
    const rank = Number(event.payload.rank ?? 0);
    const at = typeof event.payload.t === "number" ? new Date(event.payload.t * 1000) : new Date(event.at);
    const trace = byRank.get(rank) ?? { gpuIndex: rank, peakMib: 0, chunks: [] };
    trace.chunks.push({ startedAt: at, intervalMs: 100, samplesMib: [bytes / 2 ** 20] });
    trace.peakMib = Math.max(trace.peakMib, bytes / 2 ** 20);
    byRank.set(rank, trace);
  }
  return [...byRank.values()];
};
