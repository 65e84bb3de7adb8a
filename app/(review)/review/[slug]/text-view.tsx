// A queue text as rendered markdown or as raw source (bidi controls shown as markers), and the warning for bidi controls.
"use client";
import { useFormatter, useTranslations } from "next-intl";
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

/** Each bidi control's key in review.bidi.controls, by code point (lib/reviews/bidi lists the twelve). */
const controlKeys = {
  "U+061C": "alm",
  "U+200E": "lrm",
  "U+200F": "rlm",
  "U+202A": "lre",
  "U+202B": "rle",
  "U+202C": "pdf",
  "U+202D": "lro",
  "U+202E": "rlo",
  "U+2066": "lri",
  "U+2067": "rli",
  "U+2068": "fsi",
  "U+2069": "pdi",
} as const;

/** itemTexts' fixed labels and their keys in review.bidi.texts ("output A", a screened "output 2 (model)" is bidi.texts.output). */
const textKeys = { instruction: "instruction", input: "input", demonstration: "demonstration", rewrite: "rewrite", "original output": "original" } as const;

/** Names the texts of an item that hold bidirectional control characters, and which ones; nothing when none do. */
export function BidiWarning({ texts }: { texts: Array<[string, string]> }) {
  const t = useTranslations("review");
  const format = useFormatter();
  const found = texts.map(([label, text]) => ({ label, controls: findBidiControls(text) })).filter((f) => f.controls.length > 0);
  if (found.length === 0) return null;
  /** A label or code point this does not know is shown as it is (the control's Unicode name in lower case). */
  const textName = (label: string) => {
    if (Object.hasOwn(textKeys, label)) return t(`bidi.texts.${textKeys[label as keyof typeof textKeys]}`);
    const output = /^output (.+)$/.exec(label);
    return output ? t("bidi.texts.output", { name: output[1] }) : label;
  };
  const controlName = (c: { codePoint: string; name: string }) => (Object.hasOwn(controlKeys, c.codePoint) ? t(`bidi.controls.${controlKeys[c.codePoint as keyof typeof controlKeys]}`) : c.name.toLowerCase());
  const places = found.map((f) => {
    const controls = f.controls.map((c) => `${c.codePoint} ${controlName(c)}${c.count > 1 ? ` ×${format.number(c.count)}` : ""}`);
    return `${textName(f.label)} (${format.list(controls, { type: "unit", style: "short" })})`;
  });
  return (
    <p role="alert" data-testid="bidi-warning" className="mt-2 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200">
      {t.rich("bidi.warning", { places: places.join(t("listSeparator")), strong: (chunks) => <strong>{chunks}</strong> })}
    </p>
  );
}
