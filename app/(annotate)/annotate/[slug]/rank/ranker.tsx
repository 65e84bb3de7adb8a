// The ranking screen: order K outputs by drag or keyboard, tie, flag, rewrite, skip; then the next task without a page load.
"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import Link from "next/link";
import { DndContext, PointerSensor, closestCenter, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, arrayMove, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { FormError, inputClass } from "@/app/_components/form";
import { Markdown } from "@/app/_components/markdown";
import type { FieldErrors } from "@/lib/errors";
import type { RankingRevision } from "@/lib/rankings/mine";
import type { RankingTask } from "@/lib/rankings/tasks";
import { nextTask, reviseRanking, rewriteCompletion, skipTask, submitRanking } from "../../actions";

type Flag = "unsafe" | "wrong" | "ignores_instruction" | "pii";
const FLAGS: Array<[Flag, string]> = [
  ["unsafe", "Unsafe"],
  ["wrong", "Factually wrong"],
  ["ignores_instruction", "Ignores the instruction"],
  ["pii", "Contains personal data"],
];

type Output = { id: string; text: string; label: string };
type Work = {
  mode: "task" | "revise";
  /** assignment id for a task, ranking id for a revision */
  id: string;
  guidelines: string;
  prompt: { instruction: string; input: string | null; category: string | null };
  outputs: Output[];
  initial?: { order: string[][]; flags: Record<string, string[]>; noneAcceptable: boolean; rationale: string | null };
};

// Outputs longer than this (characters or lines) start clamped behind "Show more".
const CLAMP_CHARS = 700;
const CLAMP_LINES = 14;

// Dragging is for pointers; the keyboard reorders with the shortcuts instead of dnd-kit's space-bar pickup.
const screenReaderInstructions = { draggable: "Focus an output, then press a number key to give it that rank, Alt plus an arrow key to move it, or t to tie it with the one above." };

const letters = (outputs: Array<{ id: string; text: string }>): Output[] => outputs.map((o, i) => ({ ...o, label: String.fromCharCode(65 + i) }));

function fromTask(t: RankingTask): Work {
  return { mode: "task", id: t.assignmentId, guidelines: t.guidelines, prompt: t.prompt, outputs: letters(t.outputs) };
}

function fromRevision(r: RankingRevision): Work {
  return {
    mode: "revise",
    id: r.rankingId,
    guidelines: r.guidelines,
    prompt: r.prompt,
    outputs: letters(r.outputs),
    initial: { order: r.order, flags: r.flags, noneAcceptable: r.noneAcceptable, rationale: r.rationale },
  };
}

/** One idempotency key per rendered task; randomUUID needs a secure context, getRandomValues does not. */
function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function Ranker({ projectSlug, revision }: { projectSlug: string; revision: RankingRevision | null }) {
  const [state, setState] = useState<"loading" | "ready" | "empty" | "error" | "revised">(revision ? "ready" : "loading");
  const [work, setWork] = useState<Work | null>(revision ? fromRevision(revision) : null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

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
    if (!revision) void load();
  }, [load, revision]);

  const done = (message: string) => {
    setNotice(message);
    if (revision) setState("revised");
    else void load();
  };

  return (
    <div className="space-y-4" data-testid="rank-page">
      {notice && (
        <p role="status" data-testid="rank-notice" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-300">
          {notice}
        </p>
      )}
      {state === "loading" && (
        <p data-testid="task-loading" className="text-slate-500 dark:text-slate-400">
          Finding your next task…
        </p>
      )}
      {state === "error" && (
        <div className="space-y-2">
          <FormError message={loadError} />
          <button type="button" onClick={() => void load()} className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">
            Try again
          </button>
        </div>
      )}
      {state === "empty" && (
        <div data-testid="no-task" className="rounded-lg border border-dashed border-slate-300 p-8 text-center dark:border-slate-700">
          <p className="font-medium">No more tasks right now.</p>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Everything open in this project is ranked or leased to someone else. Check back later, or write a prompt.</p>
          <button type="button" data-testid="check-again" onClick={() => void load()} className="mt-3 rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">
            Check again
          </button>
        </div>
      )}
      {state === "revised" && (
        <Link href={`/annotate/${projectSlug}/me`} data-testid="back-to-me" className="text-indigo-600 underline dark:text-indigo-400">
          Back to my work
        </Link>
      )}
      {state === "ready" && work && <TaskView key={work.id} work={work} onDone={done} />}
    </div>
  );
}

function initialTies(order: string[][] | undefined): Set<string> {
  return new Set((order ?? []).flatMap((g) => g.slice(1)));
}

function initialItems(work: Work): Output[] {
  if (!work.initial) return work.outputs;
  const byId = new Map(work.outputs.map((o) => [o.id, o]));
  return work.initial.order.flat().flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

/** Display order plus "tied with the one above" marks → groups of tied ids, best first. */
function toGroups(items: Output[], tied: Set<string>): string[][] {
  const out: string[][] = [];
  items.forEach((it, i) => {
    if (i > 0 && tied.has(it.id)) out[out.length - 1].push(it.id);
    else out.push([it.id]);
  });
  return out;
}

function TaskView({ work, onDone }: { work: Work; onDone: (message: string) => void }) {
  const [items, setItems] = useState<Output[]>(() => initialItems(work));
  const [tied, setTied] = useState<Set<string>>(() => initialTies(work.initial?.order));
  const [flags, setFlags] = useState<Record<string, string[]>>(() => work.initial?.flags ?? {});
  const [noneAcceptable, setNoneAcceptable] = useState(work.initial?.noneAcceptable ?? false);
  const [rationale, setRationale] = useState(work.initial?.rationale ?? "");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [announce, setAnnounce] = useState("");
  const [skipOpen, setSkipOpen] = useState(false);
  const [skipReason, setSkipReason] = useState("");
  const [skipWarned, setSkipWarned] = useState(false);
  const [skipError, setSkipError] = useState<string[] | undefined>();
  const [rewriting, setRewriting] = useState<string | null>(null);
  const [rewriteText, setRewriteText] = useState("");
  const [rewritten, setRewritten] = useState<Set<string>>(new Set());
  const [rewriteError, setRewriteError] = useState<string | null>(null);
  const pendingRef = useRef(false);
  const keyRef = useRef<string>("");
  const startRef = useRef(0);
  const itemRefs = useRef(new Map<string, HTMLElement>());
  const refocus = useRef<string | null>(null);
  const skipInput = useRef<HTMLInputElement>(null);

  // Time on task runs from the first render of this task to submit.
  useEffect(() => {
    keyRef.current = newKey();
    startRef.current = performance.now();
    itemRefs.current.get(initialItems(work)[0]?.id)?.focus({ preventScroll: true });
  }, [work]);

  // A moved item keeps the keyboard focus.
  useEffect(() => {
    if (refocus.current) {
      itemRefs.current.get(refocus.current)?.focus();
      refocus.current = null;
    }
  }, [items, tied]);

  const groups = toGroups(items, tied);
  const rankOf = new Map(groups.flatMap((g, gi) => g.map((id) => [id, gi + 1] as const)));

  function moveTo(from: number, to: number) {
    if (from === to || to < 0 || to >= items.length) return;
    const moved = items[from];
    const follower = items[from + 1];
    setItems(arrayMove(items, from, to));
    // Ties are with the neighbour above; a move breaks the moved item's tie and its old follower's.
    setTied((s) => {
      const n = new Set(s);
      n.delete(moved.id);
      if (follower) n.delete(follower.id);
      return n;
    });
    refocus.current = moved.id;
    setAnnounce(`Output ${moved.label} moved to position ${to + 1}.`);
  }

  function toggleTie(index: number) {
    if (index === 0) return;
    const id = items[index].id;
    setTied((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
    refocus.current = id;
    setAnnounce(tied.has(id) ? `Output ${items[index].label} no longer tied.` : `Output ${items[index].label} tied with the one above.`);
  }

  function onItemKey(e: React.KeyboardEvent<HTMLElement>, index: number) {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey) return;
    if (/^[1-9]$/.test(e.key) && !e.altKey) {
      const to = Number(e.key) - 1;
      if (to < items.length) {
        e.preventDefault();
        moveTo(index, to);
      }
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      e.preventDefault();
      const to = index + (e.key === "ArrowUp" ? -1 : 1);
      if (to < 0 || to >= items.length) return;
      if (e.altKey || e.shiftKey) moveTo(index, to);
      else itemRefs.current.get(items[to].id)?.focus();
    } else if (e.key === "t" || e.key === "T") {
      e.preventDefault();
      toggleTie(index);
    } else if (e.key === "Enter") {
      e.preventDefault();
      void submit();
    }
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    const from = items.findIndex((i) => i.id === active.id);
    const to = items.findIndex((i) => i.id === over.id);
    moveTo(from, to);
  }

  async function submit() {
    if (pendingRef.current) return;
    pendingRef.current = true;
    setPending(true);
    const payload = {
      order: toGroups(items, tied),
      flags: Object.fromEntries(Object.entries(flags).filter(([, f]) => f.length > 0)),
      noneAcceptable,
      rationale: rationale.trim() || undefined,
      timeSpentMs: Math.min(Math.round(performance.now() - startRef.current), 24 * 3600_000),
      idempotencyKey: keyRef.current,
    };
    const res = work.mode === "task" ? await submitRanking({ assignmentId: work.id, ...payload }) : await reviseRanking({ rankingId: work.id, ...payload });
    if (res.ok) {
      onDone(work.mode === "task" ? "Ranking saved. Here is the next task." : "Your revised ranking is saved.");
      return;
    }
    pendingRef.current = false;
    setPending(false);
    setError(res.error);
    setFieldErrors(res.fieldErrors ?? {});
  }

  async function skip() {
    const typed = rationale.trim() !== "" || (rewriting !== null && rewriteText.trim() !== "" && rewriteText !== items.find((i) => i.id === rewriting)?.text);
    if (typed && !skipWarned) {
      setSkipWarned(true);
      return;
    }
    if (pendingRef.current) return;
    pendingRef.current = true;
    setPending(true);
    const res = await skipTask({ assignmentId: work.id, reason: skipReason });
    if (res.ok) {
      onDone("Task skipped.");
      return;
    }
    pendingRef.current = false;
    setPending(false);
    setSkipError(res.fieldErrors?.reason ?? [res.error]);
  }

  async function saveRewrite(completionId: string) {
    const res = await rewriteCompletion({ assignmentId: work.id, completionId, text: rewriteText });
    if (res.ok) {
      setRewritten((s) => new Set(s).add(completionId));
      setRewriting(null);
      setRewriteText("");
      setRewriteError(null);
    } else setRewriteError(res.fieldErrors?.text?.join(" ") ?? res.error);
  }

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));

  return (
    <div className="space-y-5" data-testid="rank-task" data-mode={work.mode}>
      <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <div className="mb-2 flex items-center gap-2 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">
          <span>{work.mode === "task" ? "Instruction" : "Revising your ranking of"}</span>
          {work.prompt.category && <span className="rounded bg-slate-100 px-2 py-0.5 normal-case dark:bg-slate-800">{work.prompt.category}</span>}
        </div>
        <Markdown testId="task-instruction" className="text-base">
          {work.prompt.instruction}
        </Markdown>
        {work.prompt.input && (
          <div className="mt-3 rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-800/60">
            <div className="mb-1 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">Input</div>
            <Markdown testId="task-input">{work.prompt.input}</Markdown>
          </div>
        )}
      </section>

      <details data-testid="guidelines" className="rounded-lg border border-slate-200 bg-white px-5 py-3 dark:border-slate-800 dark:bg-slate-900">
        <summary className="cursor-pointer text-sm font-medium">Guidelines</summary>
        <div className="mt-2 text-sm">{work.guidelines.trim() ? <Markdown>{work.guidelines}</Markdown> : <p className="text-slate-500">This project has no written guidelines.</p>}</div>
      </details>

      <div className="grid gap-5 lg:grid-cols-[minmax(0,1fr)_15rem]">
        <div className="space-y-3">
          <p className="text-sm text-slate-600 dark:text-slate-400">Best at the top. Drag by the handle, or focus an output and use the keys on the right.</p>
          <DndContext id="rank-dnd" sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={{ screenReaderInstructions }}>
            <SortableContext items={items.map((i) => i.id)} strategy={verticalListSortingStrategy}>
              <ol className="space-y-3" data-testid="rank-list" aria-label="Outputs, best first">
                {items.map((o, index) => (
                  <SortableOutput
                    key={o.id}
                    output={o}
                    index={index}
                    count={items.length}
                    rank={rankOf.get(o.id)!}
                    tied={index > 0 && tied.has(o.id)}
                    register={(el) => (el ? itemRefs.current.set(o.id, el) : itemRefs.current.delete(o.id))}
                    onKeyDown={(e) => onItemKey(e, index)}
                    onMove={(to) => moveTo(index, to)}
                    onToggleTie={() => toggleTie(index)}
                  >
                    <fieldset className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs">
                      <legend className="sr-only">Flags for output {o.label}</legend>
                      {FLAGS.map(([flag, label]) => (
                        <label key={flag} className="flex items-center gap-1">
                          <input
                            type="checkbox"
                            data-testid={`flag-${flag}`}
                            checked={flags[o.id]?.includes(flag) ?? false}
                            onChange={(e) =>
                              setFlags((f) => ({ ...f, [o.id]: e.target.checked ? [...(f[o.id] ?? []), flag] : (f[o.id] ?? []).filter((x) => x !== flag) }))
                            }
                          />
                          {label}
                        </label>
                      ))}
                    </fieldset>
                    {work.mode === "task" &&
                      (rewritten.has(o.id) ? (
                        <p data-testid="rewrite-done" className="mt-2 text-xs text-green-700 dark:text-green-400">
                          Your rewrite was sent to review.
                        </p>
                      ) : rewriting === o.id ? (
                        <div className="mt-3 space-y-2">
                          <label className="block text-xs font-medium" htmlFor={`rewrite-${o.id}`}>
                            Your better reply
                          </label>
                          <textarea id={`rewrite-${o.id}`} data-testid="rewrite-text" rows={8} value={rewriteText} onChange={(e) => setRewriteText(e.target.value)} className={inputClass} />
                          {rewriteError && (
                            <p role="alert" data-testid="error-text" className="text-sm text-red-600 dark:text-red-400">
                              {rewriteError}
                            </p>
                          )}
                          <div className="flex gap-2">
                            <button type="button" data-testid="rewrite-save" onClick={() => void saveRewrite(o.id)} className="rounded bg-indigo-600 px-3 py-1 text-xs font-medium text-white hover:bg-indigo-500">
                              Send rewrite to review
                            </button>
                            <button type="button" onClick={() => (setRewriting(null), setRewriteError(null))} className="rounded border border-slate-300 px-3 py-1 text-xs dark:border-slate-700">
                              Cancel
                            </button>
                          </div>
                        </div>
                      ) : (
                        <button
                          type="button"
                          data-testid="edit-reply"
                          onClick={() => {
                            setRewriting(o.id);
                            setRewriteText(o.text);
                            setRewriteError(null);
                          }}
                          className="mt-2 text-xs text-indigo-600 underline dark:text-indigo-400"
                        >
                          Edit this reply
                        </button>
                      ))}
                  </SortableOutput>
                ))}
              </ol>
            </SortableContext>
          </DndContext>
          <p aria-live="polite" className="sr-only">
            {announce}
          </p>
          {fieldErrors.order && (
            <p role="alert" data-testid="error-order" className="text-sm text-red-600 dark:text-red-400">
              {fieldErrors.order.join(" ")}
            </p>
          )}
        </div>

        <aside data-testid="shortcut-legend" className="h-fit rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
          <h2 className="mb-2 font-medium">Keyboard</h2>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt><kbd>↑</kbd> <kbd>↓</kbd></dt>
            <dd>focus previous / next output</dd>
            <dt><kbd>1</kbd>–<kbd>{items.length}</kbd></dt>
            <dd>move the focused output to that rank</dd>
            <dt><kbd>Alt</kbd>/<kbd>Shift</kbd> + <kbd>↑</kbd><kbd>↓</kbd></dt>
            <dd>move it up / down</dd>
            <dt><kbd>t</kbd></dt>
            <dd>tie with the one above (again to untie)</dd>
            <dt><kbd>Enter</kbd></dt>
            <dd>submit</dd>
          </dl>
        </aside>
      </div>

      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" data-testid="none-acceptable" checked={noneAcceptable} onChange={(e) => setNoneAcceptable(e.target.checked)} />
          None of these outputs is acceptable
        </label>
        <label className="block space-y-1">
          <span className="text-sm font-medium">Rationale (optional)</span>
          <textarea data-testid="field-rationale" rows={2} value={rationale} onChange={(e) => setRationale(e.target.value)} className={inputClass} placeholder="Why the top output beats the rest, in a sentence." />
          {fieldErrors.rationale && (
            <span role="alert" data-testid="error-rationale" className="block text-sm text-red-600 dark:text-red-400">
              {fieldErrors.rationale.join(" ")}
            </span>
          )}
        </label>
        <FormError message={error} />
        <div className="flex flex-wrap items-center gap-3">
          <button
            type="button"
            data-testid="submit-ranking"
            disabled={pending}
            onClick={() => void submit()}
            className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-50"
          >
            {pending ? "Saving…" : work.mode === "task" ? "Submit ranking" : "Save revision"}
          </button>
          {work.mode === "task" && !skipOpen && (
            <button
              type="button"
              data-testid="skip-open"
              onClick={() => {
                setSkipOpen(true);
                setTimeout(() => skipInput.current?.focus(), 0);
              }}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm dark:border-slate-700"
            >
              Skip…
            </button>
          )}
        </div>
        {skipOpen && (
          <form
            className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
            onSubmit={(e) => {
              e.preventDefault();
              void skip();
            }}
          >
            <label className="block space-y-1">
              <span className="text-sm font-medium">Why skip?</span>
              <input
                ref={skipInput}
                list="skip-reasons"
                data-testid="skip-reason"
                value={skipReason}
                onChange={(e) => setSkipReason(e.target.value)}
                aria-invalid={skipError ? true : undefined}
                className={inputClass}
              />
              <datalist id="skip-reasons">
                <option value="I can't judge this topic" />
                <option value="The instruction is unclear" />
                <option value="The outputs are unreadable" />
              </datalist>
              {skipError && (
                <span role="alert" data-testid="error-reason" className="block text-sm text-red-600 dark:text-red-400">
                  {skipError.join(" ")}
                </span>
              )}
            </label>
            {skipWarned && (
              <p role="alert" data-testid="skip-warning" className="text-sm text-amber-700 dark:text-amber-400">
                Skipping discards the rationale or rewrite you typed. Skip anyway?
              </p>
            )}
            <div className="flex gap-2">
              <button type="submit" data-testid="skip-confirm" disabled={pending} className="rounded bg-slate-700 px-3 py-1 text-sm text-white disabled:opacity-50 dark:bg-slate-600">
                {skipWarned ? "Discard and skip" : "Skip this task"}
              </button>
              <button type="button" onClick={() => (setSkipOpen(false), setSkipWarned(false))} className="rounded border border-slate-300 px-3 py-1 text-sm dark:border-slate-700">
                Cancel
              </button>
            </div>
          </form>
        )}
      </section>
    </div>
  );
}

function SortableOutput({
  output,
  index,
  count,
  rank,
  tied,
  register,
  onKeyDown,
  onMove,
  onToggleTie,
  children,
}: {
  output: Output;
  index: number;
  count: number;
  rank: number;
  tied: boolean;
  register: (el: HTMLElement | null) => void;
  onKeyDown: (e: React.KeyboardEvent<HTMLElement>) => void;
  onMove: (to: number) => void;
  onToggleTie: () => void;
  children: React.ReactNode;
}) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: output.id });
  const [expanded, setExpanded] = useState(false);
  const long = output.text.length > CLAMP_CHARS || output.text.split("\n").length > CLAMP_LINES;
  const small = "rounded border border-slate-300 px-1.5 text-xs disabled:opacity-30 dark:border-slate-700";
  return (
    <li
      ref={(el) => {
        setNodeRef(el);
        register(el);
      }}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      tabIndex={0}
      onKeyDown={onKeyDown}
      data-testid="rank-item"
      data-output-id={output.id}
      data-rank={rank}
      data-tied={tied ? "true" : undefined}
      aria-label={`Output ${output.label}, rank ${rank}${tied ? ", tied with the one above" : ""}`}
      className={`relative rounded-lg border bg-white p-4 shadow-sm outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:bg-slate-900 ${
        isDragging ? "z-10 border-indigo-400 shadow-lg" : "border-slate-200 dark:border-slate-800"
      } ${tied ? "border-l-4 border-l-amber-400" : ""}`}
    >
      <div className="flex gap-3">
        <div className="flex flex-col items-center gap-1">
          <button
            type="button"
            ref={setActivatorNodeRef}
            {...attributes}
            {...listeners}
            tabIndex={-1}
            aria-label={`Drag output ${output.label}`}
            data-testid="drag-handle"
            className="cursor-grab touch-none select-none rounded px-1 text-lg leading-none text-slate-400 hover:bg-slate-100 active:cursor-grabbing dark:hover:bg-slate-800"
          >
            ⠿
          </button>
          <span data-testid="rank-position" className="flex h-7 w-7 items-center justify-center rounded-full bg-indigo-600 text-sm font-semibold text-white">
            {rank}
          </span>
          <button type="button" tabIndex={-1} aria-label="Move up" disabled={index === 0} onClick={() => onMove(index - 1)} className={small}>
            ↑
          </button>
          <button type="button" tabIndex={-1} aria-label="Move down" disabled={index === count - 1} onClick={() => onMove(index + 1)} className={small}>
            ↓
          </button>
        </div>
        <div className="min-w-0 flex-1">
          <div className="mb-1 flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
            <span data-testid="output-label">Output {output.label}</span>
            {index > 0 && (
              <button type="button" tabIndex={-1} data-testid="tie-toggle" aria-pressed={tied} onClick={onToggleTie} className="rounded border border-slate-300 px-1.5 dark:border-slate-700">
                {tied ? "Tied with above ✓" : "Tie with above"}
              </button>
            )}
          </div>
          <div className={long && !expanded ? "relative max-h-64 overflow-hidden" : ""}>
            <Markdown testId="output-text" className="text-sm">
              {output.text}
            </Markdown>
            {long && !expanded && <div className="pointer-events-none absolute inset-x-0 bottom-0 h-12 bg-gradient-to-t from-white dark:from-slate-900" />}
          </div>
          {long && (
            <button type="button" data-testid="show-more" aria-expanded={expanded} onClick={() => setExpanded((x) => !x)} className="mt-1 text-xs text-indigo-600 underline dark:text-indigo-400">
              {expanded ? "Show less" : "Show more"}
            </button>
          )}
          {children}
        </div>
      </div>
    </li>
  );
}
