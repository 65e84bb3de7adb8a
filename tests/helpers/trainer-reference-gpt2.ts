// An independent GPT-2 forward pass in plain float64 loops (reference: openai/gpt-2 model.py, HF GPT2Model), for
// checking the TensorFlow.js model's logits and, by finite differences, its gradients.
export type RefTensor = { shape: number[]; data: ArrayLike<number> };
export type RefWeights = Record<string, RefTensor>;
export type RefConfig = { nLayer: number; nHead: number; nEmbd: number; vocabSize: number };

/** Weight by HF name, with or without the `transformer.` prefix. */
function weight(w: RefWeights, name: string): ArrayLike<number> {
  const t = w[name] ?? w[`transformer.${name}`];
  if (!t) throw new Error(`reference: no tensor ${name}`);
  return t.data;
}

function layerNorm(x: Float64Array, g: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  v /= n;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ((x[i] - mean) / Math.sqrt(v + 1e-5)) * g[i] + b[i];
  return out;
}

/** Conv1D: x [in] @ W [in, out] + b [out]. */
function conv1d(x: Float64Array, W: ArrayLike<number>, b: ArrayLike<number>, nOut: number): Float64Array {
  const out = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) out[o] = b[o];
  for (let i = 0; i < x.length; i++) for (let o = 0; o < nOut; o++) out[o] += x[i] * W[i * nOut + o];
  return out;
}

const gelu = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/** Logits [T][V] for one sequence of token ids at positions 0..T−1. */
export function referenceLogits(w: RefWeights, cfg: RefConfig, tokens: number[]): Float64Array[] {
  const C = cfg.nEmbd;
  const wte = weight(w, "wte.weight");
  // Tied head: logits[v] = f · wte[v].
  return referenceHidden(w, cfg, tokens).map((f) =>
    Float64Array.from({ length: cfg.vocabSize }, (_, v) => {
      let s = 0;
      for (let c = 0; c < C; c++) s += f[c] * wte[v * C + c];
      return s;
    }),
  );
}

/** Final hidden states [T][C] (after ln_f) for one sequence of token ids at positions 0..T−1. */
export function referenceHidden(w: RefWeights, cfg: RefConfig, tokens: number[]): Float64Array[] {
  const C = cfg.nEmbd;
  const hs = C / cfg.nHead;
  const wte = weight(w, "wte.weight");
  const wpe = weight(w, "wpe.weight");
  let x = tokens.map((tok, t) => Float64Array.from({ length: C }, (_, c) => wte[tok * C + c] + wpe[t * C + c]));
  for (let l = 0; l < cfg.nLayer; l++) {
    const h = (n: string) => weight(w, `h.${l}.${n}`);
    const qkv = x.map((row) => conv1d(layerNorm(row, h("ln_1.weight"), h("ln_1.bias")), h("attn.c_attn.weight"), h("attn.c_attn.bias"), 3 * C));
    const y = x.map(() => new Float64Array(C));
    for (let head = 0; head < cfg.nHead; head++) {
      for (let t = 0; t < x.length; t++) {
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let d = 0; d < hs; d++) dot += qkv[t][head * hs + d] * qkv[s][C + head * hs + d];
          scores.push(dot / Math.sqrt(hs));
        }
        const max = Math.max(...scores);
        const e = scores.map((v) => Math.exp(v - max));
        const z = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= t; s++) for (let d = 0; d < hs; d++) y[t][head * hs + d] += (e[s] / z) * qkv[s][2 * C + head * hs + d];
      }
    }
    x = x.map((row, t) => {
      const attn = conv1d(y[t], h("attn.c_proj.weight"), h("attn.c_proj.bias"), C);
      const r = row.map((v, c) => v + attn[c]);
      const fc = conv1d(layerNorm(r, h("ln_2.weight"), h("ln_2.bias")), h("mlp.c_fc.weight"), h("mlp.c_fc.bias"), 4 * C).map(gelu);
      const mlp = conv1d(fc, h("mlp.c_proj.weight"), h("mlp.c_proj.bias"), C);
      return r.map((v, c) => v + mlp[c]);
    });
  }
  return x.map((row) => layerNorm(row, weight(w, "ln_f.weight"), weight(w, "ln_f.bias")));
}

/**
 * A reward model's Bradley–Terry loss: r(s) = h_last(s) · score (score [C] = score.weight [C, 1]), averaged over pairs
 * of −log σ(r(chosen) − r(rejected)); each sequence unpadded.
 */
export function referenceRewardLoss(w: RefWeights, cfg: RefConfig, pairs: Array<[number[], number[]]>): number {
  const score = weight(w, "score.weight");
  const r = (s: number[]) => {
    const h = referenceHidden(w, cfg, s).at(-1)!;
    return h.reduce((a, v, c) => a + v * score[c], 0);
  };
  return pairs.reduce((a, [c, rj]) => a + Math.log1p(Math.exp(-(r(c) - r(rj)))), 0) / pairs.length;
}

/** Mean next-token cross-entropy over the positions where mask is 1 (inputs x, targets y: [B][T]). */
export function referenceLoss(w: RefWeights, cfg: RefConfig, x: number[][], y: number[][], mask: number[][]): number {
  let sum = 0;
  let n = 0;
  x.forEach((row, b) => {
    referenceLogits(w, cfg, row).forEach((logits, t) => {
      if (!mask[b][t]) return;
      const max = Math.max(...logits);
      const lse = max + Math.log(logits.reduce((a, v) => a + Math.exp(v - max), 0));
      sum += lse - logits[y[b][t]];
      n += 1;
    });
  });
  return sum / Math.max(n, 1);
}
