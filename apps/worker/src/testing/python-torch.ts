import { execFileSync, spawnSync } from "node:child_process";

/** Debian's python3-torch installs here; the pyenv python3 first on PATH does not see it (toolchain.md). */
export const SYSTEM_PYTHON = "/usr/bin/python3";

const hasTorch = (): boolean => spawnSync(SYSTEM_PYTHON, ["-c", "import torch, numpy"], { stdio: "ignore" }).status === 0;

/**
 * Makes sure /usr/bin/python3 can import torch and numpy, installing Debian's CPU builds when it cannot
 * (CI starts on a machine that may lack them). Throws with apt's output when that fails: never a silent skip.
 */
export const ensurePythonTorch = (): void => {
  if (hasTorch()) return;
  const apt = (args: string[]) => execFileSync("apt-get", args, { stdio: "pipe", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  try {
    apt(["update"]);
    apt(["install", "-y", "--no-install-recommends", "python3-torch", "python3-numpy"]);
  } catch (error) {
    const output = error instanceof Error && "stderr" in error ? String(error.stderr) : String(error);
    throw new Error(`python3-torch is missing and apt-get could not install it:\n${output}`, { cause: error });
  }
  if (!hasTorch()) throw new Error(`${SYSTEM_PYTHON} still cannot import torch after apt-get install python3-torch`);
};
