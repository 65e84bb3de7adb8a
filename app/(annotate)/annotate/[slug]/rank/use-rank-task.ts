// The ranker's state for one task: order and ties, flags, rationale, the lazy-ranking guard, the lease draft and submit.
"use client";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Answers } from "@/db/schema/questions";
import type { FieldErrors } from "@/lib/errors";
import { moveTo, ranksOf, restorePlacement, toGroups, toggleTie, type Placement } from "@/lib/rankings/order";
import type { StoredRanking } from "@/lib/rankings/submit";
import { reviseRanking, saveRankingDraft, submitRanking } from "../../actions";
import { useAnswers } from "./questions-panel";
import { shownSuggestion, type ShownSuggestion } from "./suggestion-line";
import { newKey, type Output, type Work } from "./work";

// The draft is saved this long after the last change (ms): a reload loses only changes made within this delay plus
// the save's round trip (the page shows "Keeping your draft…" until then).
const DRAFT_DELAY_MS = 600;
const DAY_MS = 24 * 3600_000;

/** `suggestion`: the reward model's order for the task just submitted, where the submit result carries one. */
export type Finish = (message: string, tone?: "ok" | "warn", suggestion?: ShownSuggestion | null) => void;

export function useRankTask(work: Work, onDone: Finish) {
  const t = useTranslations("rank.announce");
  const byId = useMemo(() => new Map(work.outputs.map((o) => [o.id, o])), [work]);
  const [placement, setPlacement] = useState<Placement>(() => restorePlacement(work.outputs.map((o) => o.id), work.initial?.order));
  const [flags, setFlags] = useState<Record<string, string[]>>(() => work.initial?.flags ?? {});
  const [noneAcceptable, setNoneAcceptable] = useState(work.initial?.noneAcceptable ?? false);
  const [rationale, setRationale] = useState(work.initial?.rationale ?? "");
  // Answers to the project's other questions (rating, strength, labels, text, spans), kept in the same draft.
  const questionAnswers = useAnswers(work.initial?.answers);
  const answers = questionAnswers.answers;
  // Lazy-ranking guard: a submit needs a move, a tie, "None acceptable" or an explicit "this order is right".
  const [touched, setTouched] = useState(work.initial?.touched ?? false);
  const [confirmed, setConfirmed] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [untouchedWarning, setUntouchedWarning] = useState(false);
  const [stored, setStored] = useState<StoredRanking | null>(null);
  const [announce, setAnnounce] = useState("");
  // "pending" from a change until the draft holding it is saved; a reload in "saved" loses nothing.
  const [draftState, setDraftState] = useState<"none" | "pending" | "saved">("none");
  const pendingRef = useRef(false);
  const keyRef = useRef("");
  const startRef = useRef(0);
  const changedRef = useRef(false);
  // The latest scheduled save: an older save answering late must not mark newer changes as saved.
  const stale = useRef<ReturnType<typeof setTimeout> | null>(null);
  const itemRefs = useRef(new Map<string, HTMLElement>());
  const refocus = useRef<string | null>(null);

  const items: Output[] = placement.items.map((id) => byId.get(id)!);
  const groups = toGroups(placement);
  const rankOf = ranksOf(groups);
  const ready = touched || confirmed || noneAcceptable;

  // Time on task runs from the first render of this task (less what a restored draft already counted) to submit.
  useEffect(() => {
    keyRef.current = newKey();
    startRef.current = performance.now() - (work.initial?.elapsedMs ?? 0);
    itemRefs.current.get(restorePlacement(work.outputs.map((o) => o.id), work.initial?.order).items[0])?.focus({ preventScroll: true });
  }, [work]);

  const elapsed = useCallback(() => Math.min(Math.round(performance.now() - startRef.current), DAY_MS), []);

  // A moved item keeps the keyboard focus.
  useEffect(() => {
    if (refocus.current) {
      itemRefs.current.get(refocus.current)?.focus();
      refocus.current = null;
    }
  }, [placement]);

  // The lease's draft: saved debounced after each change, never for a revision (that has no lease).
  useEffect(() => {
    if (work.mode !== "task" || !changedRef.current || pendingRef.current) return;
    const t: ReturnType<typeof setTimeout> = setTimeout(() => {
      const draft = { order: toGroups(placement), flags: nonEmpty(flags), noneAcceptable, rationale, touched: touched || confirmed, elapsedMs: elapsed(), answers };
      void saveRankingDraft({ assignmentId: work.id, draft }).then((res) => {
        if (res.ok && !pendingRef.current) setDraftState((s) => (s === "pending" && stale.current === t ? "saved" : s));
      });
    }, DRAFT_DELAY_MS);
    stale.current = t;
    return () => clearTimeout(t);
  }, [placement, flags, noneAcceptable, rationale, touched, confirmed, work, elapsed, answers]);

  const mode = work.mode;
  const change = useCallback(() => {
    changedRef.current = true;
    if (mode === "task") setDraftState("pending");
    setUntouchedWarning(false);
  }, [mode]);

  const move = useCallback(
    (from: number, to: number, explicit = false) => {
      const next = moveTo(placement, from, to);
      // A rank key pressed on an output already at that rank still says where it belongs.
      if (next === placement && !explicit) return;
      change();
      setTouched(true);
      setPlacement(next);
      const moved = placement.items[from];
      refocus.current = moved;
      setAnnounce(t(next === placement ? "stays" : "moved", { label: byId.get(moved)?.label ?? "", position: to + 1 }));
    },
    [placement, byId, change, t],
  );

  const tie = useCallback(
    (index: number) => {
      if (index <= 0) return;
      const id = placement.items[index];
      change();
      setTouched(true);
      setPlacement(toggleTie(placement, index));
      refocus.current = id;
      setAnnounce(t(placement.tied.has(id) ? "untied" : "tied", { label: byId.get(id)?.label ?? "" }));
    },
    [placement, byId, change, t],
  );

  const toggleFlag = (id: string, flag: string, on: boolean) => {
    change();
    setFlags((f) => ({ ...f, [id]: on ? [...(f[id] ?? []), flag] : (f[id] ?? []).filter((x) => x !== flag) }));
  };

  async function submit() {
    if (pendingRef.current) return;
    if (!ready) {
      setUntouchedWarning(true);
      return;
    }
    pendingRef.current = true;
    setPending(true);
    const payload = {
      order: groups,
      flags: nonEmpty(flags),
      noneAcceptable,
      rationale: rationale.trim() || undefined,
      timeSpentMs: elapsed(),
      idempotencyKey: keyRef.current,
      answers,
    };
    const res = work.mode === "task" ? await submitRanking({ assignmentId: work.id, ...payload }) : await reviseRanking({ rankingId: work.id, ...payload });
    if (res.ok && res.data.alreadySubmitted) {
      // Nothing was written: this screen shows what is stored instead of claiming a save.
      setStored(res.data.alreadySubmitted);
      return;
    }
    if (res.ok) {
      // A revision's result has none: the screen keeps the one the revise payload carried.
      const suggestion = shownSuggestion(res.data.suggestion ?? (work.mode === "revise" ? work.suggestion : null), work.outputs);
      if (work.mode === "revise") onDone(t("revisedSaved"), "ok", suggestion);
      else if (res.data.revisedFrom) onDone(t("replaced"), "ok", suggestion);
      else onDone(t("saved"), "ok", suggestion);

      return;
    }
    pendingRef.current = false;
    setPending(false);
    setError(res.error);
    setFieldErrors(res.fieldErrors ?? {});
  }

  return {
    items,
    groups,
    rankOf,
    tied: placement.tied,
    flags,
    noneAcceptable,
    rationale,
    ready,
    confirmed,
    pending,
    error,
    fieldErrors,
    untouchedWarning,
    stored,
    announce,
    draftState,
    itemRefs,
    move,
    tie,
    toggleFlag,
    setNoneAcceptable: (v: boolean) => (change(), setNoneAcceptable(v)),
    setRationale: (v: string) => (change(), setRationale(v)),
    setConfirmed: (v: boolean) => (change(), setConfirmed(v)),
    answers,
    setAnswer: (id: string, v: Answers[string] | undefined) => (change(), questionAnswers.set(id, v)),
    submit,
    elapsed,
  };
}

export type RankTask = ReturnType<typeof useRankTask>;

function nonEmpty(flags: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(flags).filter(([, f]) => f.length > 0));
}
