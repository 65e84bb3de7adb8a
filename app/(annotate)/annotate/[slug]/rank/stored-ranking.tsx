// Shown when a submission was not saved because the task had been submitted elsewhere: what is stored, plainly.
import type { StoredRanking } from "@/lib/rankings/submit";
import type { Output } from "./work";

export function StoredRankingNotice({ stored, outputs, onNext }: { stored: StoredRanking; outputs: Output[]; onNext: () => void }) {
  const byId = new Map(outputs.map((o) => [o.id, o]));
  const label = (id: string) => byId.get(id)?.label ?? "?";
  return (
    <div role="alert" data-testid="already-submitted" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm dark:border-amber-800 dark:bg-amber-950/40">
      <p className="font-medium">Not saved: this task was already submitted from another tab or device, and its revise window has closed.</p>
      <p>
        The ranking stored since {new Date(stored.submittedAt).toLocaleString()} is:{" "}
        <span data-testid="stored-order" className="font-mono">
          {stored.order.map((g) => g.map(label).join(" = ")).join(" > ")}
        </span>
        {stored.noneAcceptable && " (none acceptable)"}
      </p>
      <button type="button" data-testid="stored-next" onClick={onNext} className="rounded bg-indigo-600 px-3 py-1 text-white hover:bg-indigo-500">
        Take the next task
      </button>
    </div>
  );
}
