// Arena: one message, two unnamed models answer side by side as A and B; the vote is stored as a ranking, then the names show.
"use client";
import { Card, Field, FormError, SubmitButton, inputClass } from "@/app/_components/form";
import type { ContenderOption } from "@/lib/playground/contenders";
import { MAX_MESSAGE_CHARS, type ArenaVote } from "@/lib/validation/playground";
import { ModelSelect, SamplingFields, messageErrors } from "./fields";
import { useArena } from "./use-arena";

const voteLabels: Record<ArenaVote, string> = { a: "A is better", b: "B is better", tie: "Tie", both_bad: "Both are bad" };
const outcome: Record<ArenaVote, string> = { a: "You preferred A", b: "You preferred B", tie: "You called it a tie", both_bad: "You found both bad" };

export function ArenaPanel({ projectSlug, contenders, defaults }: { projectSlug: string; contenders: ContenderOption[]; defaults: { temperature: number; maxTokens: number } }) {
  const arena = useArena(projectSlug);
  const fe = arena.error?.fieldErrors ?? {};
  if (!arena.round) {
    return (
      <form onSubmit={(e) => (e.preventDefault(), void arena.start(new FormData(e.currentTarget)))} className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]" data-testid="arena-form">
        <Card title="Arena">
          <div className="space-y-3">
            <p className="text-sm text-slate-600 dark:text-slate-400">Two models answer without their names. Your vote is saved as a ranking in this project; then you see who was who.</p>
            <Field label="Message" name="message" error={messageErrors(fe)}>
              <textarea name="message" data-testid="field-message" rows={3} maxLength={MAX_MESSAGE_CHARS} className={inputClass} />
            </Field>
            <FormError message={arena.error?.message} />
            <SubmitButton pending={arena.busy === "start"} testId="start-round">
              Ask both
            </SubmitButton>
          </div>
        </Card>
        <Card title="Settings">
          <div className="space-y-3">
            <ModelSelect name="a" label="Model A" contenders={contenders} error={fe.a} optional="Random" />
            <ModelSelect name="b" label="Model B" contenders={contenders} error={fe.b} optional="Random" />
            <SamplingFields defaults={defaults} fieldErrors={fe} note="Empty: each model uses its usual sampling." />
          </div>
        </Card>
      </form>
    );
  }
  const { round, result } = arena;
  const side = (s: "a" | "b") => (
    <section data-testid={`side-${s}`} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <h3 className="mb-2 text-sm font-semibold">
        Model {s.toUpperCase()}
        {result && (
          <span data-testid={`reveal-${s}`} className="ml-2 font-normal text-indigo-700 dark:text-indigo-300">
            {result[s].kind} {result[s].name}
          </span>
        )}
      </h3>
      <p data-testid={`answer-${s}`} className="whitespace-pre-wrap text-sm">
        {round[s] || <em className="text-slate-400">(empty reply)</em>}
      </p>
    </section>
  );
  return (
    <div className="space-y-4" data-testid="arena-round">
      <Card title="Your message">
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
            {outcome[result.vote]}: saved as a ranking.
          </p>
          <button type="button" onClick={arena.next} data-testid="new-round" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">
            New round
          </button>
        </div>
      ) : (
        <div className="flex flex-wrap gap-2" role="group" aria-label="Vote">
          {(Object.keys(voteLabels) as ArenaVote[]).map((v) => (
            <button
              key={v}
              type="button"
              disabled={arena.busy === "vote"}
              onClick={() => void arena.vote(v)}
              data-testid={`vote-${v}`}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              {voteLabels[v]}
            </button>
          ))}
        </div>
      )}
      <FormError message={arena.error?.message} />
    </div>
  );
}
