import { gpusForPlan } from "@headroom/rules";
import type { Plan } from "@headroom/estimator";
import type { Inventory } from "./inventory.ts";

export type HostFit = { ok: true; gpus: number[] } | { ok: false; reason: string };

/**
 * Whether this host can take a job for the plan: enough GPUs, each at least as large as the plan's GPU. The same
 * function (@headroom/rules' gpusForPlan) the web asks at submit, so the form, the server and the worker agree.
 */
export const hostCanRun = (inventory: Inventory, plan: Plan): HostFit => gpusForPlan(inventory, plan);
