// One turn: the conversation before it, the user turn, its replies each with "Continue after this reply", and "Write a reply".
"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ConversationHistory } from "@/app/_components/conversation-history";
import { Field, FormError, SubmitButton, formText, inputClass, useActionForm } from "@/app/_components/form";
import { Markdown } from "@/app/_components/markdown";
import type { TurnView } from "@/lib/conversations/turns";
import { continueConversation, replyToTurn } from "../../actions";

const link = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

export function TurnCard({ projectSlug, turn }: { projectSlug: string; turn: TurnView }) {
  const [open, setOpen] = useState<string | null>(null);
  const t = useTranslations("conversations");
  return (
    <li data-testid="turn" data-id={turn.id} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900">
      {turn.history.length > 0 && <ConversationHistory history={turn.history} />}
      <div>
        <div className="text-xs font-medium text-slate-500 dark:text-slate-400">
          {t("user")} {turn.status === "submitted" && <span>{t("awaitingReview")}</span>}
        </div>
        <Markdown testId="turn-text">{turn.text}</Markdown>
      </div>
      <ul className="space-y-2 ps-8">
        {turn.replies.map((r) => (
          <li key={r.id} data-testid="turn-reply" data-id={r.id} className="space-y-2 rounded border border-slate-100 p-2 dark:border-slate-800">
            <div className="text-xs font-medium text-slate-500 dark:text-slate-400">
              {t("assistant")} {r.status === "submitted" && <span>{t("awaitingReview")}</span>}
            </div>
            <Markdown>{r.text}</Markdown>
            {open === r.id ? (
              <ContinueForm projectSlug={projectSlug} parentCompletionId={r.id} onDone={() => setOpen(null)} />
            ) : (
              <button type="button" data-testid="continue-open" className={link} onClick={() => setOpen(r.id)}>
                {t("continue")}
              </button>
            )}
          </li>
        ))}
      </ul>
      {open === "reply" ? (
        <ReplyForm projectSlug={projectSlug} promptId={turn.id} onDone={() => setOpen(null)} />
      ) : (
        <button type="button" data-testid="reply-open" className={link} onClick={() => setOpen("reply")}>
          {t("reply")}
        </button>
      )}
    </li>
  );
}

function ContinueForm({ projectSlug, parentCompletionId, onDone }: { projectSlug: string; parentCompletionId: string; onDone: () => void }) {
  const router = useRouter();
  const t = useTranslations("conversations");
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => continueConversation({ projectSlug, parentCompletionId, text: formText(form, "text"), reply: formText(form, "reply") }),
    () => {
      onDone();
      router.refresh();
    },
  );
  return (
    <form className="space-y-2" data-testid="continue-form" onSubmit={onSubmit}>
      <Field label={t("nextTurn")} name="text" error={fieldErrors.text}>
        <textarea name="text" data-testid="field-text" rows={3} autoFocus aria-invalid={fieldErrors.text ? true : undefined} className={inputClass} />
      </Field>
      <Field label={t("yourReply")} name="reply" error={fieldErrors.reply}>
        <textarea name="reply" data-testid="field-reply" rows={3} className={inputClass} />
      </Field>
      <FormError message={error ?? fieldErrors.parentCompletionId?.join(" ")} />
      <SubmitButton pending={pending} testId="continue-submit">
        {t("submit")}
      </SubmitButton>
    </form>
  );
}

function ReplyForm({ projectSlug, promptId, onDone }: { projectSlug: string; promptId: string; onDone: () => void }) {
  const router = useRouter();
  const t = useTranslations("conversations");
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => replyToTurn({ projectSlug, promptId, text: formText(form, "text") }),
    () => {
      onDone();
      router.refresh();
    },
  );
  return (
    <form className="space-y-2" data-testid="reply-form" onSubmit={onSubmit}>
      <Field label={t("replyLabel")} name="text" error={fieldErrors.text}>
        <textarea name="text" data-testid="field-text" rows={4} autoFocus aria-invalid={fieldErrors.text ? true : undefined} className={inputClass} />
      </Field>
      <FormError message={error ?? fieldErrors.promptId?.join(" ")} />
      <SubmitButton pending={pending} testId="reply-submit">
        {t("submit")}

      </SubmitButton>
    </form>
  );
}
