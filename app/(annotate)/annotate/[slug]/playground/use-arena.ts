// The Arena's state: the round on screen (two unnamed answers and the sealed round), the vote and its revealed names.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { FieldErrors } from "@/lib/errors";
import type { ArenaResult, ArenaRound } from "@/lib/playground/arena";
import type { ArenaVote } from "@/lib/validation/playground";
import { startArena, voteArena } from "./actions";
import { formText } from "./fields";

export function useArena(projectSlug: string) {
  const router = useRouter();
  const [round, setRound] = useState<(ArenaRound & { message: string }) | null>(null);
  const [result, setResult] = useState<ArenaResult | null>(null);
  const [busy, setBusy] = useState<"start" | "vote" | null>(null);
  const [error, setError] = useState<{ message: string; fieldErrors: FieldErrors } | null>(null);

  const start = async (form: FormData) => {
    const message = formText(form, "message") ?? "";
    setBusy("start");
    const res = await startArena({ projectSlug, message, a: formText(form, "a"), b: formText(form, "b"), temperature: formText(form, "temperature"), maxTokens: formText(form, "maxTokens") });
    setBusy(null);
    setError(res.ok ? null : { message: res.error, fieldErrors: res.fieldErrors ?? {} });
    if (res.ok) {
      setRound({ ...res.data, message });
      setResult(null);
    }
  };

  /** The same sealed round on every try: a retry or a second click stores no second ranking. */
  const vote = async (v: ArenaVote) => {
    if (!round || busy) return;
    setBusy("vote");
    const res = await voteArena({ projectSlug, battle: round.battle, vote: v });
    setBusy(null);
    setError(res.ok ? null : { message: res.error, fieldErrors: res.fieldErrors ?? {} });
    if (!res.ok) return;
    setResult(res.data);
    // "Your recent votes" below is read on the server.
    router.refresh();
  };

  const next = () => {
    setRound(null);
    setResult(null);
    setError(null);
  };

  return { round, result, busy, error, start, vote, next };
}
