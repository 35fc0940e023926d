import type { FrameEstimate } from "@headroom/estimator";

const dims = (size: string): string => size.replace("*", "×");

/** The frame the run really generates: the reference image under --size's area budget, not --size itself. */
export function FrameLine({ frame }: { frame: FrameEstimate | null }) {
  // Snapshots stored before estimator 0.2.0 took --size as the frame and carry none.
  if (!frame) return null;
  return (
    <p className="report-frame small" data-testid="frame">
      Runs at <b data-testid="frame-size">{frame.width}×{frame.height}</b> from{" "}
      {frame.isAssumedImage ? (
        <>the scripts&apos; example image {dims(frame.imageSize)} <span className="muted">(assumed: no reference image given)</span></>
      ) : (
        <>your {dims(frame.imageSize)} image</>
      )}
      {" · "}
      {+frame.audioSeconds.toFixed(1)} s of audio{frame.isAssumedAudio && <span className="muted"> (assumed: no audio length given)</span>}
    </p>
  );
}
