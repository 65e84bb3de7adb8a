// Bad-input helpers: a fingerprint of every table (rows and content hash), hostile strings, and cases derived from a valid input.
import { sql } from "drizzle-orm";
import { getDb } from "@/db/client";

/** Columns any authenticated call writes whatever its input: a token's last use. */
const volatileColumns: Record<string, string[]> = { api_tokens: ["last_used_at"] };

export type Fingerprint = Record<string, string>;

/** `rows:md5` of every table in the public schema (pg-boss jobs too, once its schema exists). */
export async function databaseFingerprint(): Promise<Fingerprint> {
  const db = getDb();
  const res = await db.execute(sql`select table_schema, table_name from information_schema.tables
    where table_type = 'BASE TABLE' and (table_schema = 'public' or (table_schema = 'pgboss' and table_name = 'job')) order by 1, 2`);
  const tables = res.rows as Array<{ table_schema: string; table_name: string }>;
  const parts = tables.map(({ table_schema: s, table_name: t }) => {
    const drop = (volatileColumns[t] ?? []).map((c) => sql` - ${sql.raw(`'${c}'`)}`);
    return sql`select ${`${s}.${t}`} as t, count(*)::int as n, md5(coalesce(string_agg(x, '|' order by x), '')) as h
      from (select (to_jsonb(r)${sql.join(drop, sql``)})::text as x from ${sql.identifier(s)}.${sql.identifier(t)} r) q`;
  });
  const all = await db.execute(sql.join(parts, sql` union all `));
  return Object.fromEntries((all.rows as Array<{ t: string; n: number; h: string }>).map((r) => [r.t, `${r.n}:${r.h}`]));
}

/** Tables whose fingerprint differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]).sort();
}

export const MB_STRING = "a".repeat(1_000_000);

/** Strings no field may store: PostgreSQL refuses NUL, lone surrogates are not Unicode, and 1 MB is over every text limit. */
export const hostileStrings: Array<[name: string, value: string]> = [
  ["NUL byte", "abc\u0000def"],
  ["lone high surrogate", "abc\ud800def"],
  ["lone low surrogate", "abc\udc00def"],
  ["1 MB string", MB_STRING],
];

/** Right-to-left override and mark: fine in free text, never part of an identifier. */
export const RTL = "\u202e\u200f";

/** The expected answer of a case: a 4xx whose error names `field` (a key of fieldErrors, a dotted child of it, or in the message). */
export type Expectation = { field?: string; kinds?: string[] };
export type InputCase<I> = { name: string; input: I } & Expectation;

type Json = unknown;

function setPath(obj: Record<string, Json>, path: string, value: Json): Record<string, Json> {
  const copy = structuredClone(obj);
  const keys = path.split(".");
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, Json>;
  at[keys.at(-1)!] = value;
  return copy;
}

function deletePath(obj: Record<string, Json>, path: string): Record<string, Json> {
  const copy = structuredClone(obj);
  const keys = path.split(".");
  let at = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, Json>;
  delete at[keys.at(-1)!];
  return copy;
}

function getPath(obj: Record<string, Json>, path: string): Json {
  return path.split(".").reduce<Json>((at, k) => (at as Record<string, Json>)[k], obj);
}

/** A value of another JSON type than `v`, one no coercion turns back into a valid one. */
function wrongType(v: Json): Json {
  if (typeof v === "string") return 12345;
  if (typeof v === "number") return "not a number";
  if (typeof v === "boolean") return "maybe";
  if (Array.isArray(v)) return 12345;
  return "not an object";
}

/**
 * Cases derived from a valid `base` input: not an object, each required field missing, each
 * field of the wrong type, an unknown field, and each hostile string in each text field.
 * `idents` are text fields that name a row (slug, id, email): a right-to-left mark in one is
 * also refused (400 or 404).
 */
export function derivedCases(
  base: Record<string, Json>,
  opts: { required: string[]; texts: string[]; idents?: string[]; typed?: string[] },
): Array<InputCase<Json>> {
  const cases: Array<InputCase<Json>> = [
    { name: "null instead of an object", input: null },
    { name: "a string instead of an object", input: "{not json" },
    { name: "a number instead of an object", input: 42 },
    { name: "a list instead of an object", input: [base] },
    { name: "an unknown extra field", input: { ...base, unexpectedField: 1 }, field: "unexpectedField" },
  ];
  for (const f of opts.required) cases.push({ name: `missing ${f}`, input: deletePath(base, f), field: f });
  for (const f of opts.typed ?? Object.keys(base)) cases.push({ name: `wrong type for ${f}`, input: setPath(base, f, wrongType(getPath(base, f))), field: f });
  for (const f of opts.texts) {
    for (const [name, value] of hostileStrings) cases.push({ name: `${name} in ${f}`, input: setPath(base, f, value), field: f });
  }
  for (const f of opts.idents ?? []) cases.push({ name: `right-to-left mark in ${f}`, input: setPath(base, f, `${RTL}${getPath(base, f) as string}`), field: f });
  return cases;
}

/** True when a 4xx error names the field: as a fieldErrors key (or its parent/child), or in a message. */
export function namesField(error: { message?: string; fieldErrors?: Record<string, string[]> }, field: string): boolean {
  const keys = Object.keys(error.fieldErrors ?? {});
  if (keys.some((k) => k === field || k.startsWith(`${field}.`) || field.startsWith(`${k}.`))) return true;
  const texts = [error.message ?? "", ...Object.values(error.fieldErrors ?? {}).flat()];
  const name = field.split(".").at(-1)!.toLowerCase();
  return texts.some((t) => t.toLowerCase().includes(name));
}
