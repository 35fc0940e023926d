import { describe, expect, it } from "vitest";
import { readDraftUploads, writeDraftUploads, type DraftAsset } from "./draft-uploads";

/** The Web Storage API's contract over a Map (Node has no sessionStorage). */
const memoryStorage = () => {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k), map };
};
const image: DraftAsset = { id: "0193a0b0-0000-7000-8000-0000000000aa", kind: "image", mime: "image/png", bytes: 2048, width: 384, height: 384, durationSeconds: null, name: "face.png" };
const audio: DraftAsset = { id: "0193a0b0-0000-7000-8000-0000000000bb", kind: "audio", mime: "audio/wav", bytes: 4096, width: null, height: null, durationSeconds: 4, name: "voice.wav" };

describe("draft uploads", () => {
  it("gives back what was kept, file names included", () => {
    const storage = memoryStorage();
    writeDraftUploads(storage, "team-a", { image, audio });
    expect(readDraftUploads(storage, "team-a")).toEqual({ image, audio });
  });
  it("keeps another team's uploads to itself", () => {
    const storage = memoryStorage();
    writeDraftUploads(storage, "team-a", { image, audio: null });
    expect(readDraftUploads(storage, "team-b")).toEqual({ image: null, audio: null });
  });
  it("forgets the entry when both uploads are cleared", () => {
    const storage = memoryStorage();
    writeDraftUploads(storage, "team-a", { image, audio: null });
    writeDraftUploads(storage, "team-a", { image: null, audio: null });
    expect(storage.map.size).toBe(0);
  });
  it("reads nothing from a broken or tampered entry", () => {
    const storage = memoryStorage();
    storage.setItem("headroom.playground.uploads.v1", "{not json");
    expect(readDraftUploads(storage, "team-a")).toEqual({ image: null, audio: null });
    storage.setItem("headroom.playground.uploads.v1", JSON.stringify({ teamId: "team-a", image: { ...image, id: "" }, audio: null }));
    expect(readDraftUploads(storage, "team-a")).toEqual({ image: null, audio: null });
  });
});
