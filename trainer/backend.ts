// Picks the TensorFlow.js backend: tfjs-node-gpu or tfjs-node when the user installed one (never dependencies: their
// install downloads a native library), else tfjs-backend-wasm, else the JS CPU backend; TUNELOOP_TF_BACKEND overrides.
// The choice is logged to stderr.
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { BACKENDS, type BackendName } from "./protocol";
import { registerWasmTrainingKernels } from "./wasm-kernels";

export { BACKENDS, type BackendName } from "./protocol";

/** Whether an optional package can be loaded from here (resolution only: nothing is executed). */
export function resolvable(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

async function start(name: BackendName): Promise<string | null> {
  if (name === "node-gpu" || name === "node") {
    if (!resolvable(`@tensorflow/tfjs-${name}`)) return null;
    await import(/* webpackIgnore: true */ `@tensorflow/tfjs-${name}`);
    return (await tf.setBackend("tensorflow")) ? "tensorflow" : null;
  }
  if (name === "wasm") {
    await import("@tensorflow/tfjs-backend-wasm");
    registerWasmTrainingKernels();
  }
  return (await tf.setBackend(name)) ? name : null;
}

export async function chooseBackend(requested = process.env.TUNELOOP_TF_BACKEND, log = true): Promise<string> {
  if (requested && !BACKENDS.includes(requested as BackendName)) throw new Error(`TUNELOOP_TF_BACKEND=${requested}: must be one of ${BACKENDS.join(", ")}`);
  // Silences tfjs's "install tfjs-node" console banner; the line below says which backend runs.
  tf.enableProdMode();
  for (const name of requested ? [requested as BackendName] : BACKENDS) {
    let backend: string | null = null;
    try {
      backend = await start(name);
    } catch (e) {
      if (requested) throw new Error(`TUNELOOP_TF_BACKEND=${requested}: failed to load (${(e as Error).message})`);
    }
    if (backend) {
      if (log) process.stderr.write(`[trainer] TensorFlow.js backend: ${backend} (${name}, ${requested ? "requested" : "automatic"})\n`);
      return backend;
    }
    if (requested) throw new Error(`TUNELOOP_TF_BACKEND=${requested}: that backend is not installed (npm install @tensorflow/tfjs-${requested})`);
  }
  throw new Error("no TensorFlow.js backend could be started");
}
