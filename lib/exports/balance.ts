// Category caps and weights, and FLAN-style instruction templates, applied to each curated prompt as an export writes it.
import { hash } from "node:crypto";
import type { PairRow, SftRow, UnpairedRow } from "./curate";

const byName = <V>(r: Record<string, V>) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Options with their category and template maps in name order. jsonb stores object keys in its own order (shorter
 * first), so a snapshot's options read back for a re-export would otherwise write a differently ordered manifest.
 */
export function canonicalOptions<O extends { categoryCaps?: Record<string, number>; categoryWeights?: Record<string, number>; templateTexts?: Record<string, string> }>(o: O): O {
  const sorted = <V>(r: Record<string, V> | undefined) => (r ? byName(r) : r);
  return { ...o, ...(o.categoryCaps ? { categoryCaps: sorted(o.categoryCaps) } : {}), ...(o.categoryWeights ? { categoryWeights: sorted(o.categoryWeights) } : {}), ...(o.templateTexts ? { templateTexts: sorted(o.templateTexts) } : {}) };
}

/** The templates to render, in the order the export named them (else by name). */
export function templateList(o: { templates?: string[]; templateTexts?: Record<string, string> }): Array<[string, string]> {
  const texts = o.templateTexts ?? {};
  const names = o.templates?.length ? o.templates.filter((n) => n in texts) : Object.keys(texts).sort();
  return names.map((n) => [n, texts[n]]);
}

export type BalanceOptions = { categoryCaps?: Record<string, number>; categoryWeights?: Record<string, number> };
export type BalanceSummary = {
  caps: Record<string, number>;
  weights: Record<string, number>;
  /** prompts written per category (once each, before weighting) */
  prompts: Record<string, number>;
  /** prompts left out because their category had reached its cap */
  cappedOut: Record<string, number>;
  /** train prompts left out by a weight below 1, and extra copies written by a weight above 1 */
  weightedOut: Record<string, number>;
  extraCopies: Record<string, number>;
};

const NONE = "(none)";
/** A number in [0, 1) from a prompt id, fixed across runs: which prompts a fractional weight keeps. */
const unit = (id: string) => hash("sha256", `weight:${id}`, "buffer").readUInt32BE(0) / 2 ** 32;

/**
 * How many times each curated prompt is written. A cap keeps the first `cap` prompts of a category in id order
 * (ids are random UUIDs, so a random sample that a re-export repeats), in both splits. A weight w applies to the
 * train split only (the eval split stays a plain sample): each prompt is written ⌊w⌋ times, plus once more when
 * its id's hash falls below w − ⌊w⌋; w = 0 leaves the category out of training.
 */
export function categoryBalancer(opts: BalanceOptions) {
  const caps = opts.categoryCaps ?? {};
  const weights = opts.categoryWeights ?? {};
  const s: BalanceSummary = { caps, weights, prompts: {}, cappedOut: {}, weightedOut: {}, extraCopies: {} };
  const add = (m: Record<string, number>, k: string, n = 1) => (m[k] = (m[k] ?? 0) + n);
  return {
    copies(promptId: string, category: string | null, split: "train" | "eval"): number {
      const c = category ?? NONE;
      const cap = caps[c];
      if (cap !== undefined && (s.prompts[c] ?? 0) >= cap) {
        add(s.cappedOut, c);
        return 0;
      }
      const w = split === "train" ? weights[c] : undefined;
      const n = w === undefined ? 1 : Math.floor(w) + (unit(promptId) < w - Math.floor(w) ? 1 : 0);
      if (n === 0) {
        add(s.weightedOut, c);
        return 0;
      }
      add(s.prompts, c);
      if (n > 1) add(s.extraCopies, c, n - 1);
      return n;
    },
    /** Every map in name order (see canonicalOptions). */
    summary: (): BalanceSummary => Object.fromEntries(Object.entries(s).map(([k, m]) => [k, byName(m)])) as BalanceSummary,
  };
}

/** A template with its placeholders filled; an empty {input} leaves no trailing blank lines. */
export function renderTemplate(template: string, p: { instruction: string; input: string | null }): string {
  return template.replace(/\{(instruction|input)\}/g, (_, name: string) => (name === "instruction" ? p.instruction : (p.input ?? ""))).replace(/\s+$/, "");
}

type Row = SftRow | PairRow | UnpairedRow;

/**
 * The rows one prompt contributes, each written `copies` times and, with templates, once per template with the
 * user turn rendered by it (meta.template names it). Row ids stay unique: `~<template>` and `#<copy>` suffixes.
 */
export function expandRows<R extends Row>(rows: R[], p: { instruction: string; input: string | null }, templates: Array<[string, string]>, copies: number): R[] {
  const named = templates.length ? templates : null;
  const out: R[] = [];
  for (const row of rows) {
    const variants = named ? named.map(([name, t]) => ({ ...row, id: `${row.id}~${name}`, prompt: renderTemplate(t, p), meta: { ...row.meta, template: name } })) : [row];
    for (let copy = 0; copy < copies; copy++) for (const v of variants) out.push(copy === 0 ? v : { ...v, id: `${v.id}#${copy}` });
  }
  return out;
}
