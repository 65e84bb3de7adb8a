// Token log-probabilities through a frozen output head in slices of the vocabulary (LoRA's head: tied embedding or
// lm_head, no gradient), so the [N, V] logits, their softmax and gradient never exist whole: a SmolLM2-sized vocabulary
// (49,152) makes each of those 100 MB per 512-token sequence, and autodiff would keep several of them until backward
// ends. Forward keeps only the hidden states and each row's log-sum-exp; backward recomputes each slice's logits (as in
// Liger-Kernel's fused linear cross-entropy, Hsu et al. 2024). Reference for the gradient:
// d log softmax(z)_y / dz = onehot(y) − softmax(z).
//
// Memory on wasm: XNNPACK packs the right operand of every product into a copy that it keeps as long as that tensor
// lives. The head is only ever multiplied through a fresh copy of one slice (disposed with its packed copy after the
// slice), or from the left, so no copy of the head the size of the vocabulary outlives a pass.
import * as tf from "@tensorflow/tfjs";

/** The head as it is held: a tied head's embedding [V, C] (`vc`), or an untied lm_head [C, V] (`cv`). */
export type FrozenHead = { vc: tf.Tensor2D } | { cv: tf.Tensor2D };

/** Vocabulary entries per slice: about 16 MiB of float32 logits for `rows` rows (the whole vocabulary if that fits). */
export function headSliceCols(rows: number, vocabSize: number): number {
  return Math.min(vocabSize, Math.max(1, Math.floor((16 * 2 ** 20) / (4 * Math.max(1, rows)))));
}

/**
 * log softmax(h·W)[target] per row: h [N, C] (gets a gradient), the frozen head W (held [V, C] or [C, V]; it must
 * outlive the backward pass: a model weight), targets [N] int32 → [N]. Peak extra memory: a few [N, cols] float32 tensors of one slice, and one slice of the head.
 */
export function frozenHeadLogProbs(h: tf.Tensor2D, head: FrozenHead, targets: tf.Tensor1D, cols?: number): tf.Tensor1D {
  const [N, C] = h.shape;
  const w = "vc" in head ? head.vc : head.cv;
  const V = "vc" in head ? w.shape[0] : w.shape[1];
  const n = cols ?? headSliceCols(N, V);
  const spans: Array<[number, number]> = [];
  for (let v0 = 0; v0 < V; v0 += n) spans.push([v0, Math.min(n, V - v0)]);
  /** This slice of the head, a fresh copy as [k, C] (`vc`) or [C, k] (`cv`). */
  const sliceOf = (sw: tf.Tensor2D, v0: number, k: number) => ("vc" in head ? sw.slice([v0, 0], [k, C]) : sw.slice([0, v0], [C, k])) as tf.Tensor2D;
  /** logits of one slice [N, k]: (W_s·hᵀ)ᵀ with the head slice as the left operand, or h·W_s with its fresh copy */
  const logitsOf = (ws: tf.Tensor2D, hT: tf.Tensor2D | null, x: tf.Tensor2D) => (hT ? tf.matMul(ws, hT).transpose() : tf.matMul(x, ws)) as tf.Tensor2D;
  /** targets inside the slice as a one-hot [N, k] (targets elsewhere give a zero row) */
  const oneHotOf = (t: tf.Tensor1D, v0: number, k: number) => tf.oneHot(t.sub(tf.scalar(v0, "int32")) as tf.Tensor1D, k);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [picked, lse] = tf.tidy((): [tf.Tensor1D, tf.Tensor1D] => {
      const hT = "vc" in head ? (x.transpose() as tf.Tensor2D) : null;
      const parts = spans.map(([v0, k]) =>
        tf.tidy(() => {
          const logits = logitsOf(sliceOf(w, v0, k), hT, x);
          return [logits.mul(oneHotOf(targets, v0, k)).sum(-1), tf.logSumExp(logits, -1)] as [tf.Tensor1D, tf.Tensor1D];
        }),
      );
      return [tf.addN(parts.map((q) => q[0])), tf.logSumExp(tf.stack(parts.map((q) => q[1]), 1), -1)];
    });
    // targets are saved too, so they outlive the forward pass whatever disposes them. The head is not: saving clones a
    // tensor (on wasm a copy of the whole head per pass), and it is a model weight, which outlives the backward pass.
    save([x, targets, lse]);
    return {
      value: picked.sub(lse),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, st, sl] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
        const hT = "vc" in head ? tf.keep(sx.transpose() as tf.Tensor2D) : null;
        let dx: tf.Tensor = tf.zeros([N, C]);
        try {
          for (const [v0, k] of spans) {
            const next = tf.tidy(() => {
              const ws = sliceOf(w, v0, k);
              const logits = logitsOf(ws, hT, sx);
              const g = oneHotOf(st, v0, k).sub(logits.sub(sl.expandDims(1)).exp()).mul(dy.expandDims(1)); // [N, k]
              // dx += g·W_sᵀ: g·ws for a [k, C] slice (its fresh copy is packed and goes with it), (ws·gᵀ)ᵀ for [C, k].
              return dx.add(hT ? tf.matMul(g, ws) : tf.matMul(ws, g.transpose()).transpose());
            });
            dx.dispose();
            dx = next;
          }
        } finally {
          hT?.dispose();
        }
        return dx;
      },
    };
  }) as (x: tf.Tensor2D) => tf.Tensor1D;
  return f(h);
}
