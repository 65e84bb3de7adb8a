// Hugging Face tokenizers (tokenizer.json: the byte-level BPE of Llama 3, Qwen2.5, SmolLM2, with added and special
// tokens) through @huggingface/tokenizers, and the model's chat template from tokenizer_config.json rendered with
// @huggingface/jinja. A folder without a template gets the plain one: "User: …\n\nAssistant: …<eos>".
import fs from "node:fs";
import path from "node:path";
import { Template } from "@huggingface/jinja";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import type { Message, Tokenizer } from "./index";

type Json = Record<string, unknown>;

/** A token named in tokenizer_config.json: a string or {content: string}. */
function tokenText(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as Json).content === "string") return (v as Json).content as string;
  return null;
}

function readJsonFile(file: string): Json {
  let v: unknown;
  try {
    v = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error(`${file}: not a JSON object`);
  return v as Json;
}

/** Refuses what this trainer does not handle, naming the file and field: only byte-level BPE models. */
function checkKind(tj: Json, file: string) {
  const model = tj.model as Json | undefined;
  if (!model || typeof model !== "object") throw new Error(`${file}: field "model" is missing`);
  if (model.type !== "BPE") throw new Error(`${file}: model.type ${JSON.stringify(model.type)} is not supported (byte-level BPE only)`);
  const steps = (x: unknown): Json[] => (!x || typeof x !== "object" ? [] : (x as Json).type === "Sequence" ? (((x as Json).pretokenizers ?? (x as Json).decoders ?? []) as Json[]) : [x as Json]);
  const pre = steps(tj.pre_tokenizer).map((s) => s.type);
  if (!pre.includes("ByteLevel")) throw new Error(`${file}: pre_tokenizer has no ByteLevel step (found ${pre.join(", ") || "none"}): only byte-level BPE is supported`);
}

/** The chat template string: tokenizer_config.json's chat_template (a string, or a list whose "default" entry is used). */
function chatTemplateOf(cfg: Json, file: string): string | null {
  const t = cfg.chat_template;
  if (t === undefined || t === null) return null;
  if (typeof t === "string") return t;
  if (Array.isArray(t)) {
    const def = t.find((x) => x && (x as Json).name === "default") as Json | undefined;
    if (def && typeof def.template === "string") return def.template;
  }
  throw new Error(`${file}: chat_template must be a string or a list with a "default" entry`);
}

export function loadHfTokenizer(dir: string, opts: { eosIds?: number[] } = {}): Tokenizer {
  const tjFile = path.join(dir, "tokenizer.json");
  const tcFile = path.join(dir, "tokenizer_config.json");
  if (!fs.existsSync(tjFile)) throw new Error(`${tjFile} is missing`);
  const tjText = fs.readFileSync(tjFile, "utf8");
  const tcText = fs.existsSync(tcFile) ? fs.readFileSync(tcFile, "utf8") : "{}";
  const tj = readJsonFile(tjFile);
  const tc = fs.existsSync(tcFile) ? readJsonFile(tcFile) : {};
  checkKind(tj, tjFile);
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(tj, tc);
  } catch (e) {
    throw new Error(`${tjFile}: ${(e as Error).message}`);
  }
  const idOf = (field: string): number | null => {
    const text = tokenText(tc[field]);
    if (text === null) return null;
    const id = hf.token_to_id(text);
    if (id === undefined) throw new Error(`${tcFile}: ${field} ${JSON.stringify(text)} is not a token of tokenizer.json`);
    return id;
  };
  const eos = idOf("eos_token") ?? opts.eosIds?.[0] ?? null;
  if (eos === null) throw new Error(`${tcFile}: field "eos_token" is missing (and config.json names no eos_token_id)`);
  const source = chatTemplateOf(tc, tcFile);
  let template: Template | null = null;
  try {
    template = source === null ? null : new Template(source);
  } catch (e) {
    throw new Error(`${tcFile}: chat_template does not parse (${(e as Error).message})`);
  }
  const special = {
    bos_token: tokenText(tc.bos_token) ?? "",
    eos_token: tokenText(tc.eos_token) ?? hf.id_to_token(eos) ?? "",
    pad_token: tokenText(tc.pad_token) ?? "",
    unk_token: tokenText(tc.unk_token) ?? "",
  };
  const encode = (text: string) => hf.encode(text, { add_special_tokens: false }).ids;
  const decode = (ids: number[]) => hf.decode(ids, { skip_special_tokens: true });
  const addedTexts = [...hf.get_added_tokens_decoder().values()].map((t) => t.content).sort((a, b) => b.length - a.length);

  /** The conversation as text; with a generation prompt, what opens the next assistant turn follows. */
  const render = (messages: Message[], addGenerationPrompt: boolean): string => {
    if (!template) {
      const turns = messages.map((m) => (m.role === "system" ? `${m.content}\n\n` : m.role === "user" ? `User: ${m.content}\n\n` : `Assistant: ${m.content}${special.eos_token}\n\n`));
      return turns.join("") + (addGenerationPrompt ? "Assistant:" : "");
    }
    // raise_exception is @huggingface/jinja's own (it throws with the template's message).
    return template.render({ messages, add_generation_prompt: addGenerationPrompt, ...special });
  };

  /**
   * The text spans SFT learns in the rendered conversation: for each assistant turn, from where the generation prompt
   * of the turns before it ends to the end of its content and the one added token right after it (<|im_end|>,
   * <|eot_id|>, …). Whatever the template puts between (Qwen3's empty think block) is part of what the model says.
   */
  const assistantSpans = (messages: Message[], full: string): Array<[number, number]> => {
    const spans: Array<[number, number]> = [];
    messages.forEach((m, i) => {
      if (m.role !== "assistant") return;
      const prefix = render(messages.slice(0, i), true);
      if (!full.startsWith(prefix)) throw new Error(`chat template: the conversation does not start with the generation prompt of turn ${i + 1}, so its assistant tokens cannot be found`);
      const body = m.content.trim();
      const at = body ? full.indexOf(body, prefix.length) : prefix.length;
      if (at < 0) throw new Error(`chat template: the content of assistant turn ${i + 1} does not appear in the rendered conversation`);
      const end = at + body.length;
      const closing = addedTexts.find((t) => full.startsWith(t, end)) ?? "";
      spans.push([prefix.length, end + closing.length]);
    });
    return spans;
  };

  // Each span is encoded on its own, so the mask falls on token boundaries and a prompt's tokens are the same
  // whether it is encoded alone (generation, DPO) or as the start of a whole conversation (SFT).
  const renderChat = (messages: Message[]) => {
    const full = render(messages, false);
    const ids: number[] = [];
    const mask: number[] = [];
    let pos = 0;
    const push = (text: string, m: 0 | 1) => {
      if (!text) return;
      const t = encode(text);
      ids.push(...t);
      mask.push(...t.map(() => m));
    };
    for (const [a, b] of assistantSpans(messages, full)) {
      push(full.slice(pos, a), 0);
      push(full.slice(a, b), 1);
      pos = b;
    }
    push(full.slice(pos), 0);
    return { ids, mask };
  };

  const probe: Message[] = [{ role: "user", content: "Hi" }];
  /** A response as it follows the generation prompt (rendered after a probe user turn: templates do not vary it by prompt). */
  const renderResponse = (messages: Message[]) => {
    const conv: Message[] = [...probe, { role: "assistant", content: messages.map((m) => m.content).join("\n\n") }];
    const full = render(conv, false);
    const [[a, b]] = assistantSpans(conv, full);
    return encode(full.slice(a, b));
  };
  // The token that closes an assistant turn (<|im_end|>, <|eot_id|>, the eos of the plain template): SFT teaches
  // it, generation stops on it, as on every eos the model's config names.
  const last = renderResponse([{ role: "assistant", content: "Hello" }]).at(-1);
  const end = last !== undefined && addedTexts.includes(hf.id_to_token(last) ?? "\u0000") ? last : eos;
  const vocab = hf.get_vocab(true);
  return {
    kind: "hf",
    vocabSize: [...vocab.values()].reduce((a, b) => Math.max(a, b), 0) + 1,
    end,
    stops: [...new Set([end, eos, ...(opts.eosIds ?? [])])],
    pad: idOf("pad_token") ?? eos,
    encode,
    decode,
    renderChat,
    renderPrompt: (messages) => encode(render(messages, true)),
    renderResponse,
    files: () => ({ "tokenizer.json": tjText, "tokenizer_config.json": tcText }),
  };
}
