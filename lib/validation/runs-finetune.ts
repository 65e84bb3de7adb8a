// What the retrain and schedule forms read from the run contract (trainer/protocol.ts, pure zod) for LoRA and the
// pilot run: the web layer imports it from here, as app/ never imports trainer/.
export { LORA_DEFAULTS, LORA_TARGETS, PILOT_DEFAULT_SHARE, loraSchema, type LoraOptions } from "@/trainer/protocol";
