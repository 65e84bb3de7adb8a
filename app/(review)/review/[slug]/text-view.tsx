// A queue text as rendered markdown or as raw source (bidi controls shown as markers), and the warning for bidi controls.
"use client";
import { Markdown } from "@/app/_components/markdown";
import { findBidiControls, splitAtBidiControls } from "@/lib/reviews/bidi";

export function TextView({ text, raw, testId, className }: { text: string; raw: boolean; testId?: string; className?: string }) {
  if (!raw) {
    return (
      <div data-view="rendered" data-testid={testId} className={className}>
        <Markdown>{text}</Markdown>
      </div>
    );
  }
  return (
    <pre data-view="raw" data-testid={testId} dir="ltr" className={`whitespace-pre-wrap break-words font-mono text-xs ${className ?? ""}`}>
      {splitAtBidiControls(text).map((s, i) =>
        "text" in s ? (
          <span key={i}>{s.text}</span>
        ) : (
          <mark key={i} title={s.name} data-testid="bidi-marker" className="rounded bg-amber-200 px-0.5 text-amber-900 dark:bg-amber-800 dark:text-amber-100">
            {`⟨${s.control}⟩`}
          </mark>
        ),
      )}
    </pre>
  );
}

/** Names the texts of an item that hold bidirectional control characters, and which ones; nothing when none do. */
export function BidiWarning({ texts }: { texts: Array<[string, string]> }) {
  const found = texts.map(([label, text]) => ({ label, controls: findBidiControls(text) })).filter((f) => f.controls.length > 0);
  if (found.length === 0) return null;
  return (
    <p role="alert" data-testid="bidi-warning" className="mt-2 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      <strong>Hidden direction controls</strong> in{" "}
      {found.map((f, i) => (
        <span key={f.label}>
          {i > 0 && "; "}
          the {f.label} ({f.controls.map((c) => `${c.codePoint} ${c.name.toLowerCase()}${c.count > 1 ? ` ×${c.count}` : ""}`).join(", ")})
        </span>
      ))}
      . The text may read differently from the characters stored: check it in the raw view.
    </p>
  );
}
