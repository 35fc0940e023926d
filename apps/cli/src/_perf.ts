import { estimate, resolvePlan, GPU_IDS } from "@headroom/estimator";
const plans = GPU_IDS.flatMap((gpu) => [1, 5].flatMap((count) => ["704*384", "384*256", "720*400"].map((size) => resolvePlan({ hardware: { gpu, count }, params: { size } }))));
let sink = 0;
for (let r = 0; r < 3; r++) {
  const t = performance.now(); let n = 0;
  while (performance.now() - t < 1500) { for (const p of plans) { sink += estimate(p).hostRamBytes; n++; } }
  console.log(Math.round(n / ((performance.now() - t) / 1000)), "plans/s");
}
