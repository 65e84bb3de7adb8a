// The ranking screen: order K outputs by drag or keyboard, tie, flag, rewrite, skip; then the next task without a page load.
"use client";
import { useCallback, useEffect, useState } from "react";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { FormError, inputClass } from "@/app/_components/form";
import { ConversationHistory } from "@/app/_components/conversation-history";
import { Markdown } from "@/app/_components/markdown";
import type { RankingRevision } from "@/lib/rankings/mine";
import { nextTask } from "../../actions";
import { FlagBoxes, RewriteControl, useRewrites } from "./output-extras";
import { RankList } from "./rank-list";
import { ShortcutLegend } from "./shortcut-legend";
import { SkipPanel } from "./skip-panel";
import { StoredRankingNotice } from "./stored-ranking";
import { SuggestionLine, shownSuggestion, type ShownSuggestion } from "./suggestion-line";
import { QuestionsPanel } from "./questions-panel";
import { useRankTask, type Finish } from "./use-rank-task";
import { fromRevision, fromTask, type Questions, type Work } from "./work";

export function Ranker({ projectSlug, revision, questions }: { projectSlug: string; revision: RankingRevision | null; questions: Questions }) {
  const [state, setState] = useState<"loading" | "ready" | "empty" | "error" | "revised">(revision ? "ready" : "loading");
  const [work, setWork] = useState<Work | null>(revision ? fromRevision(revision) : null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ message: string; tone: "ok" | "warn" } | null>(null);
  // The reward model's order for the task just submitted (kept in its letters: the next task has other outputs).
  const [submitted, setSubmitted] = useState<ShownSuggestion | null>(null);
  const t = useTranslations("rank");

  const load = useCallback(async () => {
    setState("loading");
    const res = await nextTask({ projectSlug });
    if (!res.ok) {
      setLoadError(res.error);
      setState("error");
    } else if (!res.data) {
      setWork(null);
      setState("empty");
    } else {
      setWork(fromTask(res.data));
      setState("ready");
    }
  }, [projectSlug]);

  useEffect(() => {
    // Fetching the first task on mount is what this effect is for; its "loading" matches the initial state.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (!revision) void load();
  }, [load, revision]);

  const done: Finish = (message, tone = "ok", suggestion = null) => {
    setNotice(message ? { message, tone } : null);
    setSubmitted(suggestion);
    if (revision) setState("revised");
    else void load();
  };

  return (
    <div className="space-y-4" data-testid="rank-page">
      {notice && (
        <p
          role="status"
          data-testid="rank-notice"
          data-tone={notice.tone}
          className={`rounded-md px-3 py-2 text-sm ${notice.tone === "ok" ? "bg-green-50 text-green-800 dark:bg-green-950 dark:text-green-300" : "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200"}`}
        >
          {notice.message}
        </p>
      )}
      {submitted && <SuggestionLine suggestion={submitted} context="saved" />}
      {state === "loading" && (
        <p data-testid="task-loading" className="text-slate-500 dark:text-slate-400">
          {t("loading")}
        </p>
      )}
      {state === "error" && (
        <div className="space-y-2">
          <FormError message={loadError} />
          <button type="button" onClick={() => void load()} className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">
            {t("tryAgain")}
          </button>
        </div>
      )}
      {state === "empty" && (
        <div data-testid="no-task" className="rounded-lg border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
          <p className="font-medium">{t("empty")}</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{t("emptyHint")}</p>
          <button type="button" data-testid="check-again" onClick={() => void load()} className="mt-3 rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">
            {t("checkAgain")}
          </button>
        </div>
      )}
      {state === "revised" && (
        <Link href={`/annotate/${projectSlug}/me`} data-testid="back-to-me" className="text-indigo-600 underline dark:text-indigo-400">
          {t("backToMyWork")}
        </Link>
      )}
      {state === "ready" && work && <TaskView key={work.id} work={work} onDone={done} questions={questions} />}
    </div>
  );
}

function TaskView({ work, onDone, questions }: { work: Work; onDone: Finish; questions: Questions }) {
  const task = useRankTask(work, onDone);
  const textOf = (id: string) => work.outputs.find((o) => o.id === id)?.text ?? "";
  const rw = useRewrites(work.id, textOf);
  const t = useTranslations("rank");
  // On the revise screen the ranking is already in: its suggestion (if the project shows them) is shown from the start.
  const revised = work.mode === "revise" ? shownSuggestion(work.suggestion, work.outputs) : null;

  return (
    <div className="space-y-5" data-testid="rank-task" data-mode={work.mode}>
      <PromptPanel work={work} />
      {revised && <SuggestionLine suggestion={revised} context="revise" />}
      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_15rem]">
        <div className="space-y-3">
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("howTo")}</p>
          <RankList
            task={task}
            renderExtras={(id) => (
              <>
                <FlagBoxes label={work.outputs.find((o) => o.id === id)!.label} checked={(f) => task.flags[id]?.includes(f) ?? false} onToggle={(f, on) => task.toggleFlag(id, f, on)} />
                {work.mode === "task" && <RewriteControl id={id} rw={rw} />}
              </>
            )}
          />
          <p aria-live="polite" className="sr-only">
            {task.announce}
          </p>
          {task.fieldErrors.order && (
            <p role="alert" data-testid="error-order" className="text-sm text-red-600 dark:text-red-400">
              {task.fieldErrors.order.join(" ")}
            </p>
          )}
        </div>
        <ShortcutLegend count={task.items.length} />
      </div>

      <QuestionsPanel questions={questions} outputs={work.outputs} answers={task.answers} set={task.setAnswer} fieldErrors={task.fieldErrors} />

      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" data-testid="none-acceptable" checked={task.noneAcceptable} onChange={(e) => task.setNoneAcceptable(e.target.checked)} />
          {t("noneAcceptable")}
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" data-testid="confirm-order" checked={task.confirmed} onChange={(e) => task.setConfirmed(e.target.checked)} />
          {t("confirmOrder")}
        </label>
        <label className="block space-y-1">
          <span className="text-sm font-medium">{t("rationale")}</span>
          <textarea data-testid="field-rationale" rows={2} value={task.rationale} onChange={(e) => task.setRationale(e.target.value)} className={inputClass} placeholder={t("rationalePlaceholder")} />
          {task.fieldErrors.rationale && (
            <span role="alert" data-testid="error-rationale" className="block text-sm text-red-600 dark:text-red-400">
              {task.fieldErrors.rationale.join(" ")}
            </span>
          )}
        </label>
        {task.untouchedWarning && (
          <p role="alert" data-testid="error-untouched" className="text-sm text-red-600 dark:text-red-400">
            {t("untouched")}
          </p>
        )}
        <FormError message={task.error} />
        {task.stored ? (
          <StoredRankingNotice stored={task.stored} outputs={work.outputs} onNext={() => onDone("")} />
        ) : (
          <div className="flex flex-wrap items-center gap-3">
            <button
              type="button"
              data-testid="submit-ranking"
              disabled={task.pending}
              onClick={() => void task.submit()}
              className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
            >
              {task.pending ? t("saving") : work.mode === "task" ? t("submit") : t("saveRevision")}
            </button>
            {work.mode === "task" && <SkipPanel assignmentId={work.id} wouldDiscard={task.rationale.trim() !== "" || rw.dirty} disabled={task.pending} onSkipped={() => onDone(t("skipped"))} />}
            {work.mode === "task" && task.draftState !== "none" && (
              <span data-testid="rank-draft" data-state={task.draftState} className="text-xs text-slate-500 dark:text-slate-400">
                {task.draftState === "saved" ? t("draftKept") : t("draftSaving")}
              </span>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

function PromptPanel({ work }: { work: Work }) {
  const t = useTranslations("rank");
  return (
    <>
      {work.prompt.history && work.prompt.history.length > 0 && <ConversationHistory history={work.prompt.history} />}
      <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <div className="mb-2 flex items-center gap-2 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
          <span>{work.mode === "task" ? t("instruction") : t("revising")}</span>
          {work.prompt.category && <span className="rounded bg-slate-100 px-2 py-0.5 normal-case dark:bg-slate-800">{work.prompt.category}</span>}
        </div>
        <Markdown testId="task-instruction" className="text-base">
          {work.prompt.instruction}
        </Markdown>
        {work.prompt.input && (
          <div className="mt-3 rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
            <div className="mb-1 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{t("input")}</div>
            <Markdown testId="task-input">{work.prompt.input}</Markdown>
          </div>
        )}
      </section>
      <details data-testid="guidelines" className="rounded-lg border border-slate-200 bg-white px-5 py-3 dark:border-slate-800 dark:bg-slate-900">
        <summary className="cursor-pointer text-sm font-medium">{t("guidelines")}</summary>
        <div className="mt-2 text-sm">{work.guidelines.trim() ? <Markdown>{work.guidelines}</Markdown> : <p className="text-slate-500">{t("noGuidelines")}</p>}</div>

      </details>
    </>
  );
}
