// Kernels the wasm backend (tfjs-backend-wasm 4.x) lacks or runs badly for training, written in plain JS over its
// heap: UnsortedSegmentSum, which the gradient of gather (the token embedding) needs; and Slice, SplitV and Unpack,
// whose own versions copy the whole input out of the heap for every piece they cut (splitting one attention input
// into 64 heads copied it 64 times: half of a training step).
import * as tf from "@tensorflow/tfjs";

type WasmBackend = {
  readSync(dataId: unknown): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  /** a view of a tensor's bytes on the wasm heap (valid until the heap grows) */
  typedArrayFromHeap(t: tf.TensorInfo): tf.backend_util.TypedArray;
};
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

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

/**
 * x[begin : begin + size] copied row by row (a row: the innermost axis) between views of the heap; a slice whose
 * inner axes are whole is one contiguous copy.
 */
function sliceOnHeap(b: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = b.makeOutput(size, x.dtype);
  // Views are taken after the output is allocated: an allocation can grow (and so move) the heap.
  const from = b.typedArrayFromHeap(x);
  const to = b.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = tf.util.computeStrides(x.shape);
  const total = tf.util.sizeFromShape(size);
  if (total === 0) return out;
  if (rank === 0 || tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = rank === 0 ? 0 : tf.slice_util.computeFlatOffset(begin, strides);
    to.set(from.subarray(offset, offset + total));
    return out;
  }
  const row = size[rank - 1];
  const index = new Array<number>(rank - 1).fill(0); // position among the rows, outer axes
  for (let written = 0; written < total; written += row) {
    let offset = begin[rank - 1];
    for (let i = 0; i < rank - 1; i++) offset += (begin[i] + index[i]) * strides[i];
    to.set(from.subarray(offset, offset + row), written);
    for (let i = rank - 2; i >= 0 && ++index[i] === size[i]; i--) index[i] = 0;
  }
  return out;
}

type Fallback = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

function slice(original: Fallback) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return original(args);
    const [begin, size] = tf.slice_util.parseSliceParams(x, args.attrs!.begin as number[], args.attrs!.size as number[]);
    tf.slice_util.assertParamsValid(x, begin, size);
    return sliceOnHeap(args.backend as WasmBackend, x, begin, size);
  };
}

function splitV(original: Fallback) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === "string") return original(args);
    const axis = tf.util.parseAxisParam(args.attrs!.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x, args.attrs!.numOrSizeSplits as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const piece = sliceOnHeap(args.backend as WasmBackend, x, begin, size);
      begin[axis] += s;
      return piece;
    });
  };
}

function unpack(original: Fallback) {
  return (args: KernelArgs) => {
    const x = args.inputs.value as tf.TensorInfo;
    if (x.dtype === "string") return original(args);
    const axis = tf.util.parseAxisParam(args.attrs!.axis as number, x.shape)[0];
    const outShape = x.shape.filter((_, i) => i !== axis);
    const size = x.shape.map((d, i) => (i === axis ? 1 : d));
    return Array.from({ length: x.shape[axis] }, (_, k) => {
      const begin = x.shape.map((_, i) => (i === axis ? k : 0));
      const piece = sliceOnHeap(args.backend as WasmBackend, x, begin, size);
      return { ...piece, shape: outShape };
    });
  };
}

/** Replaces one of the backend's kernels, keeping the original for the inputs the replacement leaves to it. */
function replaceKernel(name: string, make: (original: Fallback) => (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]) {
  const original = tf.getKernel(name, "wasm");
  if (!original || (original as { replaced?: boolean }).replaced) return;
  tf.unregisterKernel(name, "wasm");
  const config = { kernelName: name, backendName: "wasm", kernelFunc: make(original.kernelFunc as Fallback) as tf.KernelFunc, replaced: true };
  tf.registerKernel(config);
}

export function registerWasmTrainingKernels() {
  if (!tf.getKernel("UnsortedSegmentSum", "wasm")) tf.registerKernel({ kernelName: "UnsortedSegmentSum", backendName: "wasm", kernelFunc: unsortedSegmentSum });
  replaceKernel("Slice", slice);
  replaceKernel("SplitV", splitV);
  replaceKernel("Unpack", unpack);
}
