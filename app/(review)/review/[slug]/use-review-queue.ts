// The review queue's state and actions: selection, the open panel, decisions sent to the server, raw views, and j/k/a/r/e/v keys.
"use client";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useRef, useState } from "react";
import type { FieldErrors } from "@/lib/errors";
import { canEdit, decidedMessage, editPayload, initialEdit, step, withoutItem, type Decision, type EditDraft, type QueueItem } from "@/lib/reviews/queue-items";
import { decideReview, setGoldAnswer } from "../actions";

export type Panel = null | "reject" | "edit";

const keyOf = (item: QueueItem) => `${item.kind}-${item.id}`;

function isTyping(el: EventTarget | null) {
  const t = el as HTMLElement | null;
  return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
}

export function useReviewQueue(initial: QueueItem[]) {
  const tDecided = useTranslations("review.decided");
  const [queue, setQueue] = useState({ items: initial, selected: 0 });
  const [panel, setPanel] = useState<Panel>(null);
  const [reason, setReason] = useState("");
  const [edit, setEdit] = useState<EditDraft>({ instruction: "", input: "", text: "" });
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<{ error: string | null; fieldErrors: FieldErrors }>({ error: null, fieldErrors: {} });
  const [status, setStatus] = useState<string | null>(null);
  // Items shown as raw text instead of rendered markdown, by kind-id.
  const [raw, setRaw] = useState<ReadonlySet<string>>(new Set());
  const cards = useRef(new Map<string, HTMLElement>());
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const editRef = useRef<HTMLTextAreaElement>(null);

  const { items, selected } = queue;
  const current = items[selected] as QueueItem | undefined;
  const clearProblem = () => setProblem({ error: null, fieldErrors: {} });

  const select = useCallback(
    (i: number) => {
      const item = items[i];
      if (!item) return;
      setQueue((q) => ({ ...q, selected: i }));
      setPanel(null);
      clearProblem();
      const el = cards.current.get(keyOf(item));
      el?.focus({ preventScroll: true });
      el?.scrollIntoView({ block: "nearest" });
    },
    [items],
  );

  const openPanel = useCallback(
    (p: Panel) => {
      if (!current || (p === "edit" && !canEdit(current))) return;
      setPanel(p);
      clearProblem();
      if (p === "reject") {
        setReason("");
        setTimeout(() => reasonRef.current?.focus(), 0);
      } else if (p === "edit") {
        setEdit(initialEdit(current));
        setTimeout(() => editRef.current?.focus(), 0);
      }
    },
    [current],
  );

  const finish = useCallback((item: QueueItem, message: string) => {
    setStatus(message);
    setPanel(null);
    clearProblem();
    setQueue((q) => withoutItem(q.items, item, q.selected));
  }, []);

  const decide = useCallback(
    async (decision: Decision) => {
      if (!current || pending) return;
      const item = current;
      setPending(true);
      const res = await decideReview({ kind: item.kind, id: item.id, decision, ...(decision === "reject" ? { reason } : {}), ...(decision === "edit" ? { edit: editPayload(item, edit) } : {}) });
      setPending(false);
      if (res.ok) finish(item, decidedMessage(decision, item.instruction, (d) => tDecided(d)));
      else setProblem({ error: res.error, fieldErrors: res.fieldErrors ?? {} });
    },
    [current, pending, edit, reason, finish, tDecided],
  );

  const setGold = useCallback(async () => {
    if (!current || current.kind !== "ranking" || !current.consensus || pending) return;
    const item = current;
    setPending(true);
    const res = await setGoldAnswer({ promptId: item.id, order: current.consensus.map((id) => [id]) });
    setPending(false);
    if (res.ok) finish(item, decidedMessage("gold", item.instruction, (d) => tDecided(d)));
    else setProblem({ error: res.error, fieldErrors: {} });
  }, [current, pending, finish, tDecided]);

  const toggleRaw = useCallback((item: QueueItem) => {
    setRaw((r) => {
      const next = new Set(r);
      if (!next.delete(keyOf(item))) next.add(keyOf(item));
      return next;
    });
  }, []);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Escape") {
        setPanel(null);
        return;
      }
      if (isTyping(e.target)) return;
      const move = e.key === "j" ? 1 : e.key === "k" ? -1 : 0;
      if (move) {
        const next = step(selected, move, items.length);
        if (next !== null) select(next);
      } else if (e.key === "a") void decide("approve");
      else if (e.key === "r") openPanel("reject");
      else if (e.key === "e") openPanel("edit");
      else if (e.key === "v" && current) toggleRaw(current);
      else return;
      e.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [select, selected, items.length, decide, openPanel, toggleRaw, current]);

  const cardRef = useCallback(
    (item: QueueItem) => (el: HTMLElement | null) => {
      if (el) cards.current.set(keyOf(item), el);
      else cards.current.delete(keyOf(item));
    },
    [],
  );

  return {
    items,
    selected,
    panel,
    status,
    pending,
    error: problem.error,
    fieldErrors: problem.fieldErrors,
    reason,
    setReason,
    edit,
    setEdit,
    reasonRef,
    editRef,
    isRaw: (item: QueueItem) => raw.has(keyOf(item)),
    keyOf,
    select,
    openPanel,
    closePanel: () => setPanel(null),
    decide,
    setGold,
    toggleRaw,
    cardRef,
  };
}

export type ReviewQueueState = ReturnType<typeof useReviewQueue>;
