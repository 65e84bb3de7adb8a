// Shared zod field schemas and helpers for the import row formats.
import { z } from "zod";
import { unsafeTextErrors } from "@/lib/errors";
import { ImportRowError, importRowErrorFromZod } from "../import-row-error";
import type { FormatName, ImportConversation, ImportRecord } from "../types";

const NON_EMPTY = "expected a non-empty string";

/** Required text with something other than whitespace in it; kept as written (not trimmed). */
export const nonEmptyText = z.string({ error: NON_EMPTY }).refine((s) => s.trim().length > 0, { error: NON_EMPTY });
/** Required text that may be empty (model outputs can be empty, and that is data worth ranking). */
export const anyText = z.string({ error: "expected a string" });
/** Optional text; missing, null and whitespace-only all become null. */
export const optionalText = z
  .string({ error: "expected a string or null" })
  .nullish()
  .transform((s) => (s && s.trim() ? s : null));

export const messageInput = z.object(
  { role: nonEmptyText, content: anyText },
  { error: "expected a message {role, content}" },
);
export type Message = z.infer<typeof messageInput>;

/** A row object; extra fields are ignored. */
export function rowObject<S extends z.core.$ZodShape>(shape: S) {
  return z.object(shape, { error: "expected a JSON object" });
}

export type RowFormat = {
  name: FormatName;
  /** Validates one parsed row and maps it to the normalized record; throws ImportRowError. */
  parse(value: unknown, line: number): ImportRecord;
};

/** A RowFormat from a zod row schema and a mapping of valid rows. */
export function defineRowFormat<S extends z.ZodType>(
  name: FormatName,
  schema: S,
  toRecord: (row: z.infer<S>, line: number) => Omit<ImportRecord, "line">,
): RowFormat {
  return {
    name,
    parse(value, line) {
      // NUL bytes and lone surrogates (JSON escapes allow both) cannot be stored; name the field rather than fail the insert.
      const unsafe = unsafeTextErrors(value);
      if (unsafe) {
        const [field, [reason]] = Object.entries(unsafe)[0];
        throw new ImportRowError(line, field === "_" ? null : field, reason);
      }
      const result = schema.safeParse(value);
      if (!result.success) throw importRowErrorFromZod(line, result.error);
      const record = toRecord(result.data, line);
      return { line, ...record, meta: { format: name, ...record.meta } };
    },
  };
}

/**
 * Chat messages as one text: a lone user message is just its content; anything longer keeps
 * the turns, labelled the way hh-rlhf transcripts are ("Human:", "Assistant:", "System:"),
 * so multi-turn context stays visible to rankers and round-trips in meta.
 */
export function renderMessages(messages: Message[]): string {
  if (messages.length === 1 && messages[0].role === "user") return messages[0].content;
  return messages.map((m) => `${roleLabel(m.role)}: ${m.content}`).join("\n\n");
}

function roleLabel(role: string): string {
  if (role === "user") return "Human";
  if (role === "assistant") return "Assistant";
  return role.charAt(0).toUpperCase() + role.slice(1);
}

export function rowError(line: number, field: string, reason: string): ImportRowError {
  return new ImportRowError(line, field, reason);
}

/**
 * Chat messages as a conversation: an optional leading system message, then user and
 * assistant turns alternating, ending with the user turn a reply answers. Returns that last
 * user turn and the history before it, or null when the messages are not of that shape
 * (other roles, two turns of one role in a row, no final user turn); callers then keep the
 * transcript as one text (renderMessages).
 */
export function conversationOf(messages: Message[]): { last: string; conversation: ImportConversation } | null {
  let rest = messages;
  let system: string | null = null;
  if (rest[0]?.role === "system") {
    system = rest[0].content;
    rest = rest.slice(1);
  }
  if (rest.length % 2 !== 1) return null;
  const turns: ImportConversation["turns"] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i].role !== (i % 2 === 0 ? "user" : "assistant")) return null;
    if (i % 2 === 0 && !rest[i].content.trim()) return null;
    if (i % 2 === 1) turns.push({ user: rest[i - 1].content, assistant: rest[i].content });
  }
  return { last: rest[rest.length - 1].content, conversation: { system, turns } };
}
