export { memorySegments, type MemorySegment } from "./memory-segments.ts";
