// Model config: a typed object with presets (tiny, small) and flag overrides; unknown keys or wrong types are errors.
// GPT-2-shaped models carry no family block; Llama-family models (Llama, Qwen2, Mistral) carry `llama`.
import { z } from "zod";
import { loraSchema } from "./protocol";
import { BYTE_VOCAB_SIZE } from "./tokenizer/byte";

/** RoPE frequency scaling: none, linear (positions / factor) or Llama 3.1's "llama3" (long wavelengths / factor). */
export const ropeScalingSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("linear"), factor: z.number().positive() }).strict(),
  z.object({ type: z.literal("llama3"), factor: z.number().positive(), lowFreqFactor: z.number().positive(), highFreqFactor: z.number().positive(), originalMaxPositions: z.number().int().positive() }).strict(),
]);

export const LLAMA_ARCHITECTURES = ["LlamaForCausalLM", "Qwen2ForCausalLM", "MistralForCausalLM"] as const;

/** The options of the Llama family: RMSNorm, rotary positions, SwiGLU, grouped-query attention, optional biases. */
export const llamaOptionsSchema = z
  .object({
    architecture: z.enum(LLAMA_ARCHITECTURES),
    nKvHead: z.number().int().min(1).max(64),
    headDim: z.number().int().min(2).max(512).refine((d) => d % 2 === 0, "headDim must be even (rotary pairs)"),
    intermediateSize: z.number().int().min(1).max(65536),
    ropeTheta: z.number().positive(),
    ropeScaling: ropeScalingSchema.nullable(),
    rmsNormEps: z.number().positive().max(1),
    qkvBias: z.boolean(),
    oBias: z.boolean(),
    mlpBias: z.boolean(),
    tiedHead: z.boolean(),
    /** the imported config.json's other keys (token ids, max_position_embeddings, …), written back unchanged */
    hfExtra: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type LlamaOptions = z.infer<typeof llamaOptionsSchema>;

// LoRA options live in the run contract (protocol.ts): a run asks for them in its hyperparameters.
export { LORA_TARGETS, loraSchema, type LoraOptions } from "./protocol";

export const modelConfigSchema = z
  .object({
    vocabSize: z.number().int().min(2),
    blockSize: z.number().int().min(8).max(4096),
    nLayer: z.number().int().min(1).max(48),
    nHead: z.number().int().min(1).max(64),
    nEmbd: z.number().int().min(8).max(4096),
    tokenizer: z.enum(["byte", "gpt2-bpe", "hf"]),
    llama: llamaOptionsSchema.optional(),
    /** adapters on the base weights, which stay frozen */
    lora: loraSchema.optional(),
  })
  .strict()
  .refine((c) => !c.lora || c.llama, { message: "LoRA needs a Llama-family model" })
  .refine((c) => c.llama || c.nEmbd % c.nHead === 0, { message: "nEmbd must be divisible by nHead" })
  .refine((c) => !c.llama || c.nHead % c.llama.nKvHead === 0, { message: "nHead must be a multiple of llama.nKvHead" });
export type ModelConfig = z.infer<typeof modelConfigSchema>;

export const presets: Record<"tiny" | "small", ModelConfig> = {
  tiny: { vocabSize: BYTE_VOCAB_SIZE, blockSize: 256, nLayer: 4, nHead: 4, nEmbd: 128, tokenizer: "byte" },
  small: { vocabSize: BYTE_VOCAB_SIZE, blockSize: 512, nLayer: 6, nHead: 8, nEmbd: 256, tokenizer: "byte" },
};
