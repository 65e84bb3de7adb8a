// Chat with one version or source: a multi-turn conversation, an optional system prompt, this chat's sampling.
"use client";
import { useTranslations } from "next-intl";
import { useRef } from "react";
import { Card, Field, FormError, SubmitButton, inputClass } from "@/app/_components/form";
import type { ContenderOption } from "@/lib/playground/contenders";
import { MAX_MESSAGE_CHARS } from "@/lib/validation/playground";
import { ModelSelect, SamplingFields, messageErrors } from "./fields";
import { useChat } from "./use-chat";

export function ChatPanel({ projectSlug, contenders, defaults }: { projectSlug: string; contenders: ContenderOption[]; defaults: { temperature: number; maxTokens: number } }) {
  const chat = useChat(projectSlug);
  const messageRef = useRef<HTMLTextAreaElement>(null);
  const t = useTranslations("playground");
  const onSubmit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (await chat.send(new FormData(e.currentTarget))) messageRef.current!.value = "";
  };
  return (
    // One form around both cards: the message, the model and the sampling fields are sent together.
    <form onSubmit={(e) => void onSubmit(e)} className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]" data-testid="chat-form">
      <Card title={t("chat")}>
        <ol className="mb-4 space-y-3" data-testid="chat-log" aria-live="polite">
          {chat.turns.length === 0 && <li className="text-sm text-slate-500 dark:text-slate-400">{t("chatEmpty")}</li>}
          {chat.turns.map((turn, i) => (
            <li
              key={i}
              data-testid="chat-message"
              data-role={turn.role}
              className={`whitespace-pre-wrap rounded-md px-3 py-2 text-sm ${turn.role === "user" ? "bg-indigo-50 dark:bg-indigo-950" : "bg-slate-50 dark:bg-slate-800"}`}
            >
              <span className="mb-1 block text-xs font-medium text-slate-500 dark:text-slate-400">{turn.role === "user" ? t("you") : turn.model}</span>
              {turn.content || <em className="text-slate-400">{t("emptyReply")}</em>}
            </li>
          ))}
        </ol>
        <div className="space-y-3">
          <Field label={t("message")} name="message" error={messageErrors(chat.fieldErrors)}>
            <textarea ref={messageRef} name="message" data-testid="field-message" rows={3} maxLength={MAX_MESSAGE_CHARS} className={inputClass} />
          </Field>
          <FormError message={chat.error} />
          <div className="flex gap-2">
            <SubmitButton pending={chat.pending} testId="send">
              {t("send")}
            </SubmitButton>
            <button type="button" onClick={chat.reset} data-testid="new-chat" className="rounded-md border border-slate-300 px-3 py-2 text-sm dark:border-slate-700">
              {t("newChat")}
            </button>
          </div>
        </div>
      </Card>
      <Card title={t("settings")}>
        <div className="space-y-3">
          <ModelSelect name="model" label={t("model")} contenders={contenders} error={chat.fieldErrors.model} />
          <Field label={t("system")} name="system" error={chat.fieldErrors.system}>
            <textarea name="system" data-testid="field-system" rows={3} className={inputClass} />
          </Field>
          <SamplingFields defaults={defaults} fieldErrors={chat.fieldErrors} note={t("chatNote")} />

        </div>
      </Card>
    </form>
  );
}
