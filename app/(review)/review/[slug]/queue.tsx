// The queue's items with Approve / Reject (with a reason) / Edit (with a diff), gold answers, and j/k/a/r/e shortcuts.
"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { Diff } from "@/app/_components/diff";
import { FormError, inputClass } from "@/app/_components/form";
import { Markdown } from "@/app/_components/markdown";
import type { FieldErrors } from "@/lib/errors";
import { decideReview, setGoldAnswer } from "../actions";

type Base = { id: string; instruction: string; input: string | null; category: string | null };
export type QueueItem =
  | (Base & { kind: "prompt"; authorName: string | null; demonstration: string | null })
  | (Base & { kind: "demonstration"; authorName: string | null; text: string; parentText: string | null })
  | (Base & {
      kind: "ranking";
      agreement: number | null;
      rankingCount: number;
      consensus: string[] | null;
      completions: Array<{ id: string; text: string }>;
      rankings: Array<{ id: string; annotatorName: string | null; order: string[][]; noneAcceptable: boolean; rationale: string | null; flags: Record<string, string[]> }>;
    });

type Panel = null | "reject" | "edit";
type Edit = { instruction: string; input: string; text: string };

const kindLabel = { prompt: "Prompt", demonstration: "Rewrite", ranking: "Ranking" } as const;
const btn = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-50";

function isTyping(el: EventTarget | null) {
  const t = el as HTMLElement | null;
  return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}

export function ReviewQueue({ items: initial }: { items: QueueItem[] }) {
  const [items, setItems] = useState(initial);
  const [selected, setSelected] = useState(0);
  const [panel, setPanel] = useState<Panel>(null);
  const [reason, setReason] = useState("");
  const [edit, setEdit] = useState<Edit>({ instruction: "", input: "", text: "" });
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<string | null>(null);
  const cards = useRef(new Map<string, HTMLElement>());
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const editRef = useRef<HTMLTextAreaElement>(null);

  const current = items[selected] as QueueItem | undefined;

  const select = useCallback(
    (i: number) => {
      if (i < 0 || i >= items.length) return;
      setSelected(i);
      setPanel(null);
      setError(null);
      setFieldErrors({});
      const el = cards.current.get(items[i].id);
      el?.focus({ preventScroll: true });
      el?.scrollIntoView({ block: "nearest" });
    },
    [items],
  );

  const openPanel = useCallback(
    (p: Panel) => {
      if (!current) return;
      if (p === "edit" && current.kind === "ranking") return;
      setPanel(p);
      setError(null);
      setFieldErrors({});
      if (p === "reject") {
        setReason("");
        setTimeout(() => reasonRef.current?.focus(), 0);
      } else if (p === "edit") {
        setEdit({
          instruction: current.instruction,
          input: current.input ?? "",
          text: current.kind === "prompt" ? (current.demonstration ?? "") : current.kind === "demonstration" ? current.text : "",
        });
        setTimeout(() => editRef.current?.focus(), 0);
      }
    },
    [current],
  );

  const finish = useCallback(
    (item: QueueItem, message: string) => {
      setStatus(message);
      setPanel(null);
      setError(null);
      setFieldErrors({});
      setItems((xs) => xs.filter((x) => x.id !== item.id || x.kind !== item.kind));
      setSelected((s) => Math.max(0, Math.min(s, items.length - 2)));
    },
    [items.length],
  );

  const decide = useCallback(
    async (decision: "approve" | "reject" | "edit") => {
      if (!current || pending) return;
      const item = current;
      let editPayload: { instruction?: string; input?: string; text?: string } | undefined;
      if (decision === "edit") {
        editPayload = {};
        if (item.kind === "prompt") {
          if (edit.instruction !== item.instruction) editPayload.instruction = edit.instruction;
          if (edit.input !== (item.input ?? "")) editPayload.input = edit.input;
          if (item.demonstration !== null && edit.text !== item.demonstration) editPayload.text = edit.text;
        } else if (item.kind === "demonstration" && edit.text !== item.text) editPayload.text = edit.text;
      }
      setPending(true);
      const res = await decideReview({ kind: item.kind, id: item.id, decision, ...(decision === "reject" ? { reason } : {}), ...(editPayload ? { edit: editPayload } : {}) });
      setPending(false);
      if (res.ok) finish(item, `${decision === "approve" ? "Approved" : decision === "reject" ? "Rejected" : "Edited and approved"}: ${item.instruction.slice(0, 80)}`);
      else {
        setError(res.error);
        setFieldErrors(res.fieldErrors ?? {});
      }
    },
    [current, pending, edit, reason, finish],
  );

  const setGold = useCallback(async () => {
    if (!current || current.kind !== "ranking" || !current.consensus || pending) return;
    const item = current;
    setPending(true);
    const res = await setGoldAnswer({ promptId: item.id, order: item.consensus!.map((id) => [id]) });
    setPending(false);
    if (res.ok) finish(item, `Set as gold: ${item.instruction.slice(0, 80)}`);
    else setError(res.error);
  }, [current, pending, finish]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Escape") {
        setPanel(null);
        return;
      }
      if (isTyping(e.target)) return;
      if (e.key === "j") select(selected + 1);
      else if (e.key === "k") select(selected - 1);
      else if (e.key === "a") void decide("approve");
      else if (e.key === "r") openPanel("reject");
      else if (e.key === "e") openPanel("edit");
      else return;
      e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [select, selected, decide, openPanel]);

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_14rem]">
      <div className="space-y-3">
        {status && (
          <p role="status" data-testid="queue-status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-300">
            {status}
          </p>
        )}
        {items.length === 0 ? (
          <p data-testid="queue-empty" className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-600 dark:border-slate-700 dark:text-slate-400">
            Nothing waiting for review here.
          </p>
        ) : (
          <ol className="space-y-3" data-testid="queue-list">
            {items.map((item, i) => {
              const active = i === selected;
              return (
                <li
                  key={`${item.kind}-${item.id}`}
                  ref={(el) => {
                    if (el) cards.current.set(item.id, el);
                    else cards.current.delete(item.id);
                  }}
                  tabIndex={0}
                  onFocus={(e) => {
                    if (e.target === e.currentTarget && i !== selected) select(i);
                  }}
                  onClick={() => i !== selected && select(i)}
                  data-testid="queue-item"
                  data-kind={item.kind}
                  data-id={item.id}
                  data-selected={active ? "true" : undefined}
                  aria-current={active ? "true" : undefined}
                  className={`rounded-lg border bg-white p-4 shadow-sm outline-none dark:bg-slate-900 ${active ? "border-indigo-500 ring-2 ring-indigo-500/40" : "border-slate-200 dark:border-slate-800"}`}
                >
                  <div className="mb-2 flex flex-wrap items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
                    <span className="rounded bg-slate-100 px-2 py-0.5 font-medium text-slate-700 dark:bg-slate-800 dark:text-slate-300">{kindLabel[item.kind]}</span>
                    {item.category && <span>{item.category}</span>}
                    {item.kind !== "ranking" && item.authorName && <span>by {item.authorName}</span>}
                  </div>
                  <Markdown testId="item-instruction" className="font-medium">
                    {item.instruction}
                  </Markdown>
                  {item.input && (
                    <div className="mt-2 rounded bg-slate-50 p-2 text-sm dark:bg-slate-800/60">
                      <Markdown>{item.input}</Markdown>
                    </div>
                  )}
                  <ItemBody item={item} />
                  {active && (
                    <ActivePanel
                      item={item}
                      panel={panel}
                      pending={pending}
                      reason={reason}
                      setReason={setReason}
                      reasonRef={reasonRef}
                      edit={edit}
                      setEdit={setEdit}
                      editRef={editRef}
                      error={error}
                      fieldErrors={fieldErrors}
                      onDecide={decide}
                      onOpen={openPanel}
                      onGold={setGold}
                    />
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </div>
      <aside data-testid="queue-legend" className="h-fit rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
        <h2 className="mb-2 font-medium">Keyboard</h2>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
          <dt><kbd>j</kbd> / <kbd>k</kbd></dt>
          <dd>next / previous item</dd>
          <dt><kbd>a</kbd></dt>
          <dd>approve</dd>
          <dt><kbd>r</kbd></dt>
          <dd>reject (type the reason)</dd>
          <dt><kbd>e</kbd></dt>
          <dd>edit</dd>
          <dt><kbd>Esc</kbd></dt>
          <dd>close the panel</dd>
        </dl>
        <p className="mt-3 text-xs text-slate-500 dark:text-slate-400">{items.length} in this view</p>
      </aside>
    </div>
  );
}

const letter = (i: number) => String.fromCharCode(65 + i);

function ItemBody({ item }: { item: QueueItem }) {
  if (item.kind === "prompt") {
    return item.demonstration ? (
      <div className="mt-3">
        <div className="mb-1 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">Demonstration</div>
        <Markdown testId="item-demonstration" className="max-h-80 overflow-auto rounded border border-slate-100 p-2 text-sm dark:border-slate-800">
          {item.demonstration}
        </Markdown>
      </div>
    ) : (
      <p className="mt-3 text-xs text-slate-500">No demonstration.</p>
    );
  }
  if (item.kind === "demonstration") {
    return (
      <div className="mt-3">
        <div className="mb-1 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{item.parentText !== null ? "Rewrite of a model output (changes against the original)" : "Demonstration"}</div>
        {item.parentText !== null ? <Diff before={item.parentText} after={item.text} testId="rewrite-diff" /> : <Markdown className="text-sm">{item.text}</Markdown>}
      </div>
    );
  }
  const label = new Map(item.completions.map((c, i) => [c.id, letter(i)]));
  const show = (order: string[][]) => order.map((g) => g.map((id) => label.get(id) ?? "?").join(" = ")).join(" > ");
  return (
    <div className="mt-3 space-y-3 text-sm">
      <div className="flex flex-wrap gap-x-6 gap-y-1">
        <span>
          Agreement (Kendall&apos;s W):{" "}
          <strong data-testid="agreement" data-value={item.agreement ?? ""} className="tabular-nums">
            {item.agreement === null ? "—" : item.agreement.toFixed(2)}
          </strong>
        </span>
        <span>
          Consensus:{" "}
          <strong data-testid="consensus-order" className="font-mono">
            {item.consensus ? item.consensus.map((id) => label.get(id) ?? "?").join(" > ") : "—"}
          </strong>
        </span>
        <span className="text-slate-500 dark:text-slate-400">{item.rankingCount} rankings</span>
      </div>
      <ul className="space-y-1">
        {item.rankings.map((r) => (
          <li key={r.id} data-testid="annotator-order" className="flex flex-wrap gap-x-2">
            <span className="font-medium" data-testid="annotator-name">
              {r.annotatorName ?? "?"}
            </span>
            <span className="font-mono" data-testid="annotator-order-value">
              {show(r.order)}
            </span>
            {r.noneAcceptable && <span className="text-xs text-amber-700 dark:text-amber-400">none acceptable</span>}
            {Object.entries(r.flags).map(([id, fs]) => (
              <span key={id} className="text-xs text-red-700 dark:text-red-400">
                {label.get(id)}: {fs.join(", ")}
              </span>
            ))}
            {r.rationale && <span className="text-xs italic text-slate-500">“{r.rationale}”</span>}
          </li>
        ))}
      </ul>
      <ol className="grid gap-2 sm:grid-cols-2">
        {item.completions.map((c, i) => (
          <li key={c.id} data-testid="item-output" className="rounded border border-slate-100 p-2 dark:border-slate-800">
            <div className="mb-1 text-xs font-semibold" data-testid="item-output-label">
              {letter(i)}
            </div>
            <Markdown className="max-h-48 overflow-auto text-xs">{c.text}</Markdown>
          </li>
        ))}
      </ol>
    </div>
  );
}

function ActivePanel(props: {
  item: QueueItem;
  panel: Panel;
  pending: boolean;
  reason: string;
  setReason: (s: string) => void;
  reasonRef: React.RefObject<HTMLTextAreaElement | null>;
  edit: Edit;
  setEdit: (fn: (e: Edit) => Edit) => void;
  editRef: React.RefObject<HTMLTextAreaElement | null>;
  error: string | null;
  fieldErrors: FieldErrors;
  onDecide: (d: "approve" | "reject" | "edit") => void;
  onOpen: (p: Panel) => void;
  onGold: () => void;
}) {
  const { item, panel, pending, fieldErrors } = props;
  const field = (name: keyof Edit, label: string, before: string, rows: number, first: boolean) => (
    <div className="space-y-1">
      <label className="block text-xs font-medium" htmlFor={`edit-${name}`}>
        {label}
      </label>
      <textarea
        id={`edit-${name}`}
        ref={first ? props.editRef : undefined}
        data-testid={`edit-${name}`}
        rows={rows}
        value={props.edit[name]}
        onChange={(e) => {
          const v = e.target.value;
          props.setEdit((x) => ({ ...x, [name]: v }));
        }}
        className={inputClass}
      />
      {props.edit[name] !== before && <Diff before={before} after={props.edit[name]} testId={`diff-${name}`} />}
    </div>
  );
  return (
    <div className="mt-4 space-y-3 border-t border-slate-100 pt-3 dark:border-slate-800">
      <div className="flex flex-wrap gap-2">
        <button type="button" data-testid="approve" disabled={pending} onClick={() => props.onDecide("approve")} className={`${btn} bg-green-600 text-white hover:bg-green-500`}>
          {item.kind === "ranking" ? "Accept consensus" : "Approve"} <kbd className="ml-1 opacity-70">a</kbd>
        </button>
        <button type="button" data-testid="reject" disabled={pending} onClick={() => props.onOpen("reject")} className={`${btn} border border-red-300 text-red-700 dark:border-red-800 dark:text-red-400`}>
          Reject… <kbd className="ml-1 opacity-70">r</kbd>
        </button>
        {item.kind !== "ranking" ? (
          <button type="button" data-testid="edit" disabled={pending} onClick={() => props.onOpen("edit")} className={`${btn} border border-slate-300 dark:border-slate-700`}>
            Edit… <kbd className="ml-1 opacity-70">e</kbd>
          </button>
        ) : (
          <button type="button" data-testid="set-gold" disabled={pending || !item.consensus} onClick={props.onGold} className={`${btn} border border-amber-300 text-amber-800 dark:border-amber-800 dark:text-amber-300`}>
            Set consensus as gold
          </button>
        )}
      </div>
      {panel === "reject" && (
        <form
          className="space-y-2"
          onSubmit={(e) => {
            e.preventDefault();
            props.onDecide("reject");
          }}
        >
          <label className="block space-y-1">
            <span className="text-sm font-medium">Reason (the author sees it)</span>
            <textarea
              ref={props.reasonRef}
              data-testid="reject-reason"
              rows={2}
              value={props.reason}
              onChange={(e) => props.setReason(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) props.onDecide("reject");
              }}
              aria-invalid={fieldErrors.reason ? true : undefined}
              aria-describedby={fieldErrors.reason ? "reason-error" : undefined}
              className={inputClass}
            />
            {fieldErrors.reason && (
              <span id="reason-error" role="alert" data-testid="error-reason" className="block text-sm text-red-600 dark:text-red-400">
                {fieldErrors.reason.join(" ")}
              </span>
            )}
          </label>
          <button type="submit" data-testid="reject-confirm" disabled={pending} className={`${btn} bg-red-600 text-white hover:bg-red-500`}>
            Reject
          </button>
        </form>
      )}
      {panel === "edit" && item.kind !== "ranking" && (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            props.onDecide("edit");
          }}
        >
          {item.kind === "prompt" && field("instruction", "Instruction", item.instruction, 3, true)}
          {item.kind === "prompt" && field("input", "Input", item.input ?? "", 2, false)}
          {item.kind === "prompt" && item.demonstration !== null && field("text", "Demonstration", item.demonstration, 8, false)}
          {item.kind === "demonstration" && field("text", "Rewrite", item.text, 8, true)}
          {fieldErrors.edit && (
            <p role="alert" data-testid="error-edit" className="text-sm text-red-600 dark:text-red-400">
              {fieldErrors.edit.join(" ")}
            </p>
          )}
          <button type="submit" data-testid="edit-save" disabled={pending} className={`${btn} bg-indigo-600 text-white hover:bg-indigo-500`}>
            Save edit and approve
          </button>
        </form>
      )}
      <FormError message={props.error} />
    </div>
  );
}
