// The ready launchers an admin can pick (README "Train on a cluster"): each a command, never a shell string, run from the
// app's folder with the run's TUNELOOP_* environment (lib/launchers/env.ts). Pure data: the form, the CLI and validation read it.

export type Recipe = {
  name: string;
  title: string;
  /** the command the template fills in; relative paths are relative to the app's folder (the launcher's working directory) */
  argv: readonly string[];
  /** what must be installed or set where the job runner runs */
  needs: string;
};

export const RECIPES = [
  {
    name: "tuneloop",
    title: "Tuneloop's own trainer as an external command (one machine; the reference launcher)",
    argv: ["node", "lib/launchers/recipes/tuneloop-train.mjs"],
    needs: "nothing beyond this app",
  },
  {
    name: "trl-accelerate",
    title: "TRL SFT / DPO under accelerate launch (GPUs on this machine)",
    argv: ["bash", "lib/launchers/recipes/trl-accelerate.sh"],
    needs: "python3 with trl, transformers, datasets, accelerate; TUNELOOP_ACCELERATE_CONFIG optional",
  },
  {
    name: "ray",
    title: "A Ray job running the TRL script (ray job submit --wait)",
    argv: ["bash", "lib/launchers/recipes/ray-job.sh"],
    needs: "the ray CLI and RAY_ADDRESS; the data folder on a filesystem the cluster mounts at the same path",
  },
  {
    name: "kubernetes",
    title: "A Kubernetes Job running the TRL script (kubectl apply + kubectl wait)",
    argv: ["bash", "lib/launchers/recipes/kubernetes-job.sh"],
    needs: "kubectl with a context; TUNELOOP_K8S_IMAGE (python + trl) and TUNELOOP_K8S_PVC holding the data folder",
  },
  {
    name: "slurm",
    title: "A Slurm batch job running the TRL script (sbatch --wait)",
    argv: ["bash", "lib/launchers/recipes/slurm.sh"],
    needs: "sbatch on this machine; the data folder on a filesystem the nodes mount at the same path",
  },
] as const satisfies readonly Recipe[];

export type RecipeName = (typeof RECIPES)[number]["name"];
export const RECIPE_NAMES = RECIPES.map((r) => r.name) as [RecipeName, ...RecipeName[]];

export function recipeByName(name: string): Recipe | undefined {
  return RECIPES.find((r) => r.name === name);
}
