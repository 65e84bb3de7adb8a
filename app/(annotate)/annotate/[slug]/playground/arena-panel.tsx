// Arena: one message, two unnamed models answer side by side as A and B; the vote is stored as a ranking, then the names show.
"use client";
import { useTranslations } from "next-intl";
import { Card, Field, FormError, SubmitButton, inputClass } from "@/app/_components/form";
import type { ContenderOption } from "@/lib/playground/contenders";
import { MAX_MESSAGE_CHARS, type ArenaVote } from "@/lib/validation/playground";
import { ModelSelect, SamplingFields, messageErrors } from "./fields";
import { useArena } from "./use-arena";

const voteOrder: ArenaVote[] = ["a", "b", "tie", "both_bad"];

export function ArenaPanel({ projectSlug, contenders, defaults }: { projectSlug: string; contenders: ContenderOption[]; defaults: { temperature: number; maxTokens: number } }) {
  const arena = useArena(projectSlug);
  const t = useTranslations("playground");
  const fe = arena.error?.fieldErrors ?? {};
  if (!arena.round) {
    return (
      <form onSubmit={(e) => (e.preventDefault(), void arena.start(new FormData(e.currentTarget)))} className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]" data-testid="arena-form">
        <Card title={t("arena")}>
          <div className="space-y-3">
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("arenaIntro")}</p>
            <Field label={t("message")} name="message" error={messageErrors(fe)}>
              <textarea name="message" data-testid="field-message" rows={3} maxLength={MAX_MESSAGE_CHARS} className={inputClass} />
            </Field>
            <FormError message={arena.error?.message} />
            <SubmitButton pending={arena.busy === "start"} testId="start-round">
              {t("askBoth")}
            </SubmitButton>
          </div>
        </Card>
        <Card title={t("settings")}>
          <div className="space-y-3">
            <ModelSelect name="a" label={t("modelA")} contenders={contenders} error={fe.a} optional={t("random")} />
            <ModelSelect name="b" label={t("modelB")} contenders={contenders} error={fe.b} optional={t("random")} />
            <SamplingFields defaults={defaults} fieldErrors={fe} note={t("arenaNote")} />
          </div>
        </Card>
      </form>
    );
  }
  const { round, result } = arena;
  const side = (s: "a" | "b") => (
    <section data-testid={`side-${s}`} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h3 className="mb-2 text-sm font-semibold">
        {t("modelSide", { side: s.toUpperCase() })}
        {result && (
          <span data-testid={`reveal-${s}`} className="ms-2 font-normal text-indigo-700 dark:text-indigo-300">
            {result[s].kind} {result[s].name}
          </span>
        )}
      </h3>
      <p data-testid={`answer-${s}`} className="whitespace-pre-wrap text-sm">
        {round[s] || <em className="text-slate-400">{t("emptyReply")}</em>}
      </p>
    </section>
  );
  return (
    <div className="space-y-4" data-testid="arena-round">
      <Card title={t("yourMessage")}>
        <p className="whitespace-pre-wrap text-sm" data-testid="round-message">
          {round.message}
        </p>
      </Card>
      <div className="grid gap-4 md:grid-cols-2">
        {side("a")}
        {side("b")}
      </div>
      {result ? (
        <div className="flex items-center gap-3">
          <p role="status" data-testid="vote-saved" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-300">
            {t("savedAs", { outcome: t(`outcomes.${result.vote}`) })}
          </p>
          <button type="button" onClick={arena.next} data-testid="new-round" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">
            {t("newRound")}
          </button>
        </div>
      ) : (
        <div className="flex flex-wrap gap-2" role="group" aria-label={t("vote")}>
          {voteOrder.map((v) => (
            <button
              key={v}
              type="button"
              disabled={arena.busy === "vote"}
              onClick={() => void arena.vote(v)}
              data-testid={`vote-${v}`}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              {t(`votes.${v}`)}

            </button>
          ))}
        </div>
      )}
      <FormError message={arena.error?.message} />
    </div>
  );
}
