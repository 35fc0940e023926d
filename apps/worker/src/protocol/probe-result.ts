// The probe's result event lives in @headroom/protocol beside the other events (the web reads its `scale`).
export { ProbeResult } from "@headroom/protocol";
