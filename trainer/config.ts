// Model config: a typed object with presets (tiny, small) and flag overrides; unknown keys or wrong types are errors.
import { z } from "zod";
import { BYTE_VOCAB_SIZE } from "./tokenizer";

export const modelConfigSchema = z
  .object({
    vocabSize: z.number().int().min(2),
    blockSize: z.number().int().min(8).max(4096),
    nLayer: z.number().int().min(1).max(48),
    nHead: z.number().int().min(1).max(64),
    nEmbd: z.number().int().min(8).max(4096),
    tokenizer: z.enum(["byte", "gpt2-bpe"]),
  })
  .strict()
  .refine((c) => c.nEmbd % c.nHead === 0, { message: "nEmbd must be divisible by nHead" });
export type ModelConfig = z.infer<typeof modelConfigSchema>;

export const presets: Record<"tiny" | "small", ModelConfig> = {
  tiny: { vocabSize: BYTE_VOCAB_SIZE, blockSize: 256, nLayer: 4, nHead: 4, nEmbd: 128, tokenizer: "byte" },
  small: { vocabSize: BYTE_VOCAB_SIZE, blockSize: 512, nLayer: 6, nHead: 8, nEmbd: 256, tokenizer: "byte" },
};
