// Guesses an import file's format from the fields of its first row.
import type { FormatName } from "./types";

/**
 * Most specific shape first: judgment rows also have `instruction`, ranking rows would
 * match nothing else, and an AlpacaEval outputs row is an Alpaca row plus `generator`.
 * {chosen, rejected} as strings without a prompt are hh-rlhf transcripts; with a prompt, or
 * as message lists, TRL. Null when nothing fits (the caller should name a format).
 */
export function detectFormat(firstRecord: unknown): FormatName | null {
  if (typeof firstRecord !== "object" || firstRecord === null || Array.isArray(firstRecord)) return null;
  const has = (key: string) => key in firstRecord;
  const r = firstRecord as Record<string, unknown>;
  if (has("output_1") && has("output_2") && (has("preference") || has("generator_1"))) return "alpaca-eval-judgments";
  if (Array.isArray(r.outputs)) return "ranking";
  if (has("instruction") && Array.isArray(r.completions)) return "ultrafeedback";
  if (typeof r.prompt === "object" && r.prompt !== null && !Array.isArray(r.prompt) && "message_id" in r.prompt) return "oasst";
  if (has("instances")) return "self-instruct";
  if (has("chosen") && has("rejected")) {
    if (has("prompt")) return "trl";
    return typeof r.chosen === "string" ? "hh-rlhf" : "trl";
  }
  if (Array.isArray(r.messages)) return "openai-chat";
  if (has("instruction") && has("response")) return "dolly";
  if (has("instruction") && has("output")) return has("generator") ? "alpaca-eval-outputs" : "alpaca";
  return null;
}
