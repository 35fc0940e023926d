// The runner protocol lives in @headroom/protocol so the web reads events with the same schema the worker writes.
export * from "@headroom/protocol";
