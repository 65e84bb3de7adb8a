// Kernels the wasm backend (tfjs-backend-wasm 4.x) lacks for training, written in plain JS over its heap:
// UnsortedSegmentSum, which the gradient of gather (the token embedding) needs.
import * as tf from "@tensorflow/tfjs";

type WasmBackend = {
  readSync(dataId: unknown): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
};

/** out[s, …] = Σ over i with segmentIds[i] = s of x[i, …]; ids outside [0, numSegments) are dropped, as in TensorFlow. */
function unsortedSegmentSum({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = Number(attrs!.numSegments);
  const b = backend as WasmBackend;
  const xs = b.readSync(x.dataId) as Float32Array;
  const ids = b.readSync(segmentIds.dataId) as Int32Array;
  const inner = x.shape.slice(segmentIds.shape.length).reduce((a, c) => a * c, 1);
  const out = new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    for (let j = 0; j < inner; j++) out[s * inner + j] += xs[i * inner + j];
  }
  return b.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype, undefined, out);
}

export function registerWasmTrainingKernels() {
  if (!tf.getKernel("UnsortedSegmentSum", "wasm")) tf.registerKernel({ kernelName: "UnsortedSegmentSum", backendName: "wasm", kernelFunc: unsortedSegmentSum as tf.KernelFunc });
}
