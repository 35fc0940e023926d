export * from "./events.ts";
export * from "./probe-result.ts";
export * from "./examples.ts";
