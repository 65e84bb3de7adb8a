// Token log-probabilities through a frozen output head in chunks of rows (LoRA's head: tied embedding or lm_head, no
// gradient), so the [T, V] logits, their softmax and gradient never exist whole: a SmolLM2-sized vocabulary (49,152)
// makes each of those 100 MB per 512-token sequence, and autodiff would keep several of them until backward ends.
// Forward keeps only the hidden states; backward recomputes each chunk's logits (as in Liger-Kernel's fused linear
// cross-entropy, Hsu et al. 2024). Reference for the gradient: d log softmax(z)_y / dz = onehot(y) − softmax(z).
import * as tf from "@tensorflow/tfjs";

/** Rows per chunk: about 16 MiB of float32 logits each (85 rows at V = 49,152; the whole batch for a byte vocabulary). */
export function headChunkRows(vocabSize: number): number {
  return Math.max(1, Math.floor((16 * 2 ** 20) / (4 * vocabSize)));
}

/**
 * log softmax(h·w)[target] per row: h [N, C] (gets a gradient), w [C, V] frozen, targets [N] int32 → [N].
 * Peak extra memory: a few [rows, V] float32 tensors of one chunk, forward and backward. `wT` [V, C] (a tied head's
 * embedding, which is wᵀ) makes each chunk's logits (wT·hᵀ)ᵀ: wasm's XNNPACK packs and keeps a copy of a product's
 * right operand per tensor, and h·w would keep one of w (113 MB for SmolLM2) for the life of the process.
 */
export function frozenHeadLogProbs(h: tf.Tensor2D, w: tf.Tensor2D, targets: tf.Tensor1D, rows = headChunkRows(w.shape[1]), wT?: tf.Tensor2D): tf.Tensor1D {
  const [N, C] = h.shape;
  const V = w.shape[1];
  const logitsOf = (x: tf.Tensor2D, r0: number, n: number) => (wT ? tf.matMul(wT, x.slice([r0, 0], [n, C]).transpose()).transpose() : tf.matMul(x.slice([r0, 0], [n, C]), w)); // [n, V]
  const spans: Array<[number, number]> = [];
  for (let r = 0; r < N; r += rows) spans.push([r, Math.min(rows, N - r)]);
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    // w and targets are saved too, so they outlive the forward pass whatever disposes them.
    save([x, w, targets]);
    const value = tf.tidy(() =>
      tf.concat(
        spans.map(([r0, n]) => {
          const logits = logitsOf(x, r0, n);
          const picked = logits.mul(tf.oneHot(targets.slice(r0, n), V)).sum(-1); // [n]
          return picked.sub(tf.logSumExp(logits, -1));
        }),
      ),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sw, st] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        return tf.tidy(() =>
          tf.concat(
            spans.map(([r0, n]) =>
              tf.tidy(() => {
                const logits = logitsOf(sx, r0, n);
                const g = tf.oneHot(st.slice(r0, n), V).sub(logits.softmax()).mul(dy.slice(r0, n).expandDims(1)); // [n, V]
                // dx = g·wᵀ as (w·gᵀ)ᵀ: wasm's XNNPACK packs a product's right operand, and w is the large one.
                return tf.matMul(sw, g.transpose()).transpose(); // [n, C]
              }),
            ),
          ),
        );
      },
    };
  }) as (x: tf.Tensor2D) => tf.Tensor1D;
  return f(h);
}
