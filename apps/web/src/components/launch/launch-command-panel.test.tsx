import { resolvePlan } from "@headroom/estimator";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LaunchCommandPanel } from "./launch-command-panel";

const decode = (html: string) => html.replaceAll("&quot;", '"').replaceAll("&#x27;", "'").replaceAll("&amp;", "&").replaceAll("&gt;", ">");

describe("LaunchCommandPanel", () => {
  it("shows the scripts' own command for their defaults, with a copy button and no differences", () => {
    const html = decode(renderToStaticMarkup(<LaunchCommandPanel plan={resolvePlan({})} inputsNote="examples" />));
    expect(html).toContain('data-testid="copy-launch-command"');
    expect(html).toContain("export CUDA_VISIBLE_DEVICES=0\nexport NCCL_DEBUG=WARN");
    expect(html).toContain("torchrun --nproc_per_node=1 --master_port=29101 minimal_inference/s2v_streaming_interact.py \\\n     --ulysses_size 1");
    expect(html).toContain("Same flags as upstream's infinite_inference_single_gpu.sh.");
  });

  it("names Headroom's patch above the command and lists each flag against the multi-GPU script, default → plan", () => {
    const plan = resolvePlan({ hardware: { gpu: "rtx-4090", count: 5 }, params: { size: "384*256", t5Cpu: true, quantizeOnCpu: true, numClip: 100, audioSeconds: 7.5 } });
    const html = decode(renderToStaticMarkup(<LaunchCommandPanel plan={plan} inputs={{ image: "face.png", audio: "voice.wav" }} inputsNote="uploads" />));
    expect(html).toMatch(/>\n?# This plan needs Headroom's loader patch \(--quantize-on-cpu/);
    expect(html).toContain("--image face.png \\\n     --audio voice.wav");
    expect(html).toContain("Differs from upstream's infinite_inference_multi_gpu.sh");
    expect(html).toContain("<li><code>--size</code> 720*400 → <b>384*256</b></li>");
    expect(html).toContain("<li><code>--num_clip</code> 10000 → <b>4</b></li>");
    expect(html).toContain("<li><code>--t5_cpu</code> off → <b>on</b></li>");
  });
});
