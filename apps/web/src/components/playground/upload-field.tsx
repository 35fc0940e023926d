"use client";
import { useState } from "react";
import { DraftAsset } from "@/lib/draft-uploads";

export type ImageSize = { width: number; height: number };

/**
 * The picked image's pixel size, read in the browser so the estimate follows it at once (signed out too). EXIF
 * orientation is not applied, as LiveAvatar (PIL) does not; the stored upload's size, read on the server, wins.
 */
const readImageSize = async (file: File): Promise<ImageSize | null> => {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "none" });
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size.width > 0 && size.height > 0 ? size : null;
  } catch {
    return null;
  }
};

/** What the playground keeps of an upload (with the draft plan, in the tab's storage): the server's fields and the file's name. */
export type UploadedAsset = DraftAsset;

/** Sends the file as the raw request body; the server decides its type from the bytes and explains a refusal. */
export function UploadField({ kind, asset, onUploaded, onImageSize, isSignedIn }: { kind: "image" | "audio"; asset: UploadedAsset | null; onUploaded: (asset: UploadedAsset | null) => void; onImageSize?: (size: ImageSize) => void; isSignedIn: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [isUploading, setIsUploading] = useState(false);
  const measure = async (file: File) => {
    const size = await readImageSize(file);
    if (size) onImageSize?.(size);
    return size;
  };
  const upload = async (file: File) => {
    setError(null);
    setNote(null);
    if (kind === "image") void measure(file);
    setIsUploading(true);
    try {
      const response = await fetch(`/api/uploads?kind=${kind}&name=${encodeURIComponent(file.name)}`, { method: "POST", body: file, headers: { "content-type": "application/octet-stream" } });
      const body = (await response.json().catch(() => ({ error: `upload failed (${response.status})` }))) as { asset?: UploadedAsset; note?: string | null; error?: string };
      if (!response.ok || !body.asset) {
        setError(body.error ?? `upload failed (${response.status})`);
        return;
      }
      setNote(body.note ?? null);
      onUploaded(DraftAsset.parse({ ...body.asset, name: file.name.slice(0, 255) }));
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
        // the native input forgets its file once uploaded (and after navigation): the kept upload's name stands beside it
        <span className="file-pick">
          <label className="btn btn-sm">
            {asset ? "Replace…" : "Choose file…"}
            <input type="file" className="visually-hidden" aria-label={`${kind} file`} disabled={isUploading} onChange={(event) => { const file = event.target.files?.[0]; if (file) void upload(file); event.target.value = ""; }} />
          </label>
          <span className="small" data-testid={`${kind}-name`}>{asset ? (asset.name ?? "uploaded file") : "No file chosen"}</span>
        </span>
      ) : kind === "image" ? (
        <>
          <input type="file" accept="image/png,image/jpeg,image/webp" aria-label="image file (size only)" onChange={(event) => { const file = event.target.files?.[0]; if (file) void measure(file).then((size) => setNote(size ? `${size.width}×${size.height} px, read in your browser; sign in to upload it.` : "This file could not be read as an image.")); event.target.value = ""; }} />
          <span className="small muted">Signed out, only its size is read (it sets the frame); sign in to upload.</span>
        </>
      ) : (
        <span className="small muted">Sign in to upload.</span>
      )}
      {isUploading && <span className="small muted">Uploading…</span>}
      {error && <span className="upload-error" role="alert" data-testid={`${kind}-error`}>{error}</span>}
      {note && <span className="upload-note">{note}</span>}
    </div>
  );
}
