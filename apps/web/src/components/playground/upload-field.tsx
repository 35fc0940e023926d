"use client";
import { useState } from "react";

export type UploadedAsset = { id: string; kind: "image" | "audio"; mime: string; bytes: number; width: number | null; height: number | null; durationSeconds: number | null };

/** Sends the file as the raw request body; the server decides its type from the bytes and explains a refusal. */
export function UploadField({ kind, asset, onUploaded, isSignedIn }: { kind: "image" | "audio"; asset: UploadedAsset | null; onUploaded: (asset: UploadedAsset | null) => void; isSignedIn: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [isUploading, setIsUploading] = useState(false);
  const upload = async (file: File) => {
    setError(null);
    setNote(null);
    setIsUploading(true);
    try {
      const response = await fetch(`/api/uploads?kind=${kind}&name=${encodeURIComponent(file.name)}`, { method: "POST", body: file, headers: { "content-type": "application/octet-stream" } });
      const body = (await response.json().catch(() => ({ error: `upload failed (${response.status})` }))) as { asset?: UploadedAsset; note?: string | null; error?: string };
      if (!response.ok || !body.asset) {
        setError(body.error ?? `upload failed (${response.status})`);
        return;
      }
      setNote(body.note ?? null);
      onUploaded(body.asset);
    } catch {
      setError("The upload did not reach the server.");
    } finally {
      setIsUploading(false);
    }
  };
  return (
    <div className="dropzone" data-testid={`upload-${kind}`}>
      <span className="field-label">{kind === "image" ? "Reference image" : "Driving audio"} <span className="field-help">{kind === "image" ? "PNG · JPEG · WebP" : "WAV · MP3 · FLAC · M4A"}</span></span>
      {asset && kind === "image" && (
        <img className="thumb" src={`/api/files/assets/${asset.id}`} alt="reference image" data-testid="image-preview" />
      )}
      {asset && kind === "audio" && <audio controls src={`/api/files/assets/${asset.id}`} data-testid="audio-preview" />}
      {asset && (
        <span className="small muted" data-testid={`${kind}-info`}>
          {kind === "image" ? `${asset.width}×${asset.height} px` : `${asset.durationSeconds?.toFixed(2)} s`} · {(asset.bytes / 1024).toFixed(0)} KB · {asset.mime}
        </span>
      )}
      {isSignedIn ? (
        <input type="file" aria-label={`${kind} file`} disabled={isUploading} onChange={(event) => { const file = event.target.files?.[0]; if (file) void upload(file); event.target.value = ""; }} />
      ) : (
        <span className="small muted">Sign in to upload.</span>
      )}
      {isUploading && <span className="small muted">Uploading…</span>}
      {error && <span className="upload-error" role="alert" data-testid={`${kind}-error`}>{error}</span>}
      {note && <span className="upload-note">{note}</span>}
    </div>
  );
}
