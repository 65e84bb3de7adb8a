// Picks the TensorFlow.js backend: tfjs-node-gpu or tfjs-node when the user installed one, else the JS CPU backend;
// TUNELOOP_TF_BACKEND overrides. The choice is logged to stderr.
import * as tf from "@tensorflow/tfjs";

export async function chooseBackend(requested = process.env.TUNELOOP_TF_BACKEND): Promise<string> {
  const order = requested ? [requested] : ["node-gpu", "node", "cpu"];
  for (const name of order) {
    try {
      if (name === "node-gpu" || name === "node") {
        // Optional native packages, never in package.json (their install downloads a native library).
        await import(/* webpackIgnore: true */ `@tensorflow/tfjs-${name}`);
        if (await tf.setBackend("tensorflow")) return log("tensorflow", name);
      } else if (name === "cpu" && (await tf.setBackend("cpu"))) {
        return log("cpu", name);
      }
    } catch {
      if (requested) throw new Error(`TUNELOOP_TF_BACKEND=${requested}: that backend is not installed or failed to load`);
    }
  }
  throw new Error("no TensorFlow.js backend could be started");
}

function log(backend: string, source: string) {
  process.stderr.write(`[trainer] TensorFlow.js backend: ${backend} (${source})\n`);
  return backend;
}
