// The Playground chat's state: the turns so far, the turn in flight, and the errors of the last send.
"use client";
import { useState } from "react";
import type { FieldErrors } from "@/lib/errors";
import { sendChat } from "./actions";
import { formText } from "./fields";

export type ChatTurn = { role: "user" | "assistant"; content: string; model?: string };

export function useChat(projectSlug: string) {
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  /** Sends the form's message after the turns so far; true when the reply came (the caller clears the box). */
  const send = async (form: FormData): Promise<boolean> => {
    const next: ChatTurn[] = [...turns, { role: "user", content: formText(form, "message") ?? "" }];
    setPending(true);
    const res = await sendChat({
      projectSlug,
      model: formText(form, "model") ?? "",
      system: formText(form, "system"),
      messages: next.map(({ role, content }) => ({ role, content })),
      temperature: formText(form, "temperature"),
      maxTokens: formText(form, "maxTokens"),
    });
    setPending(false);
    setError(res.ok ? null : res.error);
    setFieldErrors(res.ok ? {} : (res.fieldErrors ?? {}));
    if (!res.ok) return false;
    setTurns([...next, { role: "assistant", content: res.data.reply, model: res.data.model }]);
    return true;
  };

  const reset = () => {
    setTurns([]);
    setError(null);
    setFieldErrors({});
  };

  return { turns, pending, error, fieldErrors, send, reset };
}
