// The catalogs a page sends to the browser (lib/i18n/client-namespaces): each client component's useTranslations keys
// are among them for every area that renders it, and nothing else is picked.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { areaNamespaces, commonNamespaces, pickMessages } from "@/lib/i18n/client-namespaces";

const root = path.resolve(import.meta.dirname, "../../..");
const en = JSON.parse(fs.readFileSync(path.join(root, "messages/en.json"), "utf8")) as Record<string, unknown>;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

/** The route group a file lives in ("admin", "auth", …), or null for app/_components and the root. */
const groupOf = (file: string) => /app\/\(([a-z]+)\)\//.exec(path.relative(root, file))?.[1] ?? null;

/** "rank.questions.title" is sent when a picked path is it or one of its parents. */
const sent = (paths: readonly string[], key: string) => paths.some((p) => key === p || key.startsWith(`${p}.`));

/** Keys each client file asks for, as "namespace.key"; a key built at run time is "namespace.<dynamic>". */
function keysOf(source: string): string[] {
  const keys: string[] = [];
  for (const m of source.matchAll(/const (\w+) = useTranslations\("([\w.]+)"\)/g)) {
    const [, name, ns] = m;
    const calls = [...source.matchAll(new RegExp(`\\b${name}(?:\\.rich|\\.markup|\\.raw|\\.has)?\\(([^,)]*)`, "g"))];
    for (const [, arg] of calls) {
      const literal = /^\s*"([\w.]+)"\s*$/.exec(arg);
      keys.push(`${ns}.${literal ? literal[1] : "<dynamic>"}`);
    }
    if (!calls.length) keys.push(`${ns}.<dynamic>`);
  }
  return keys;
}

/** What each area's pages would miss: "area: file asks for key". */
function missing(areas: Record<string, readonly string[]>): string[] {
  const files = walk(path.join(root, "app"));
  const clientFiles = new Set(files.filter((f) => /^\s*(\/\/[^\n]*\n\s*)*["']use client["']/.test(fs.readFileSync(f, "utf8"))));
  // Which areas render each file: its own group, and the groups of files that import it across groups.
  const rendersIn = new Map<string, Set<string>>();
  for (const f of files) rendersIn.set(f, new Set([groupOf(f) ?? "common"]));
  for (const f of files) {
    for (const m of fs.readFileSync(f, "utf8").matchAll(/from "@\/app\/([^"]+)"/g)) {
      const target = [".tsx", ".ts"].map((ext) => path.join(root, "app", m[1] + ext)).find((p) => fs.existsSync(p));
      if (target) rendersIn.get(target)!.add(groupOf(f) ?? "common");
    }
  }
  const problems: string[] = [];
  for (const f of clientFiles) {
    for (const area of rendersIn.get(f)!) {
      const paths = [...commonNamespaces, ...(areas[area] ?? [])];
      for (const key of keysOf(fs.readFileSync(f, "utf8"))) {
        const ok = key.endsWith(".<dynamic>") ? sent(paths, key.slice(0, -".<dynamic>".length)) : sent(paths, key);
        if (!ok) problems.push(`${area}: ${path.relative(root, f)} asks for ${key}`);
      }
    }
  }
  return problems;
}

describe("the messages sent to the browser", () => {
  it("cover every key a client component asks for, in every area that renders it", () => {
    expect(missing(areaNamespaces)).toEqual([]);
  });

  it("the check finds a namespace an area does not send (the annotate area without rank)", () => {
    const without = { ...areaNamespaces, annotate: areaNamespaces.annotate.filter((n) => n !== "rank") };
    const problems = missing(without);
    expect(problems).toContainEqual(expect.stringMatching(/^annotate: app\/\(annotate\)\/annotate\/\[slug\]\/rank\/ranker\.tsx asks for rank\./));
    // questions-panel is rendered on the admin pages too, where rank.questions is still sent.
    expect(problems.filter((p) => p.startsWith("admin:"))).toEqual([]);
  });

  it("every path picked names a part of the English catalog", () => {
    for (const p of [...commonNamespaces, ...Object.values(areaNamespaces).flat()]) expect(pickMessages(en, [p]), p).not.toEqual({});
  });

  it("an annotator's pages carry none of the reviewers' or admins' words", () => {
    const sentToAnnotators = JSON.stringify(pickMessages(en, [...commonNamespaces, ...areaNamespaces.annotate]));
    expect(sentToAnnotators).not.toMatch(/consensus/i);
    expect(Object.keys(pickMessages(en, [...commonNamespaces, ...areaNamespaces.annotate])).sort()).toEqual(["conversations", "diff", "form", "invite", "login", "me", "nav", "playground", "rank", "seed", "setup", "write"]);
  });

  it("pickMessages keeps the nesting, takes one key of a namespace, and skips what the catalog lacks", () => {
    const m = { a: { b: "x", c: { d: "y" } }, e: "z" };
    expect(pickMessages(m, ["a.c.d", "e", "nope", "a.nope"])).toEqual({ a: { c: { d: "y" } }, e: "z" });
    expect(pickMessages(m, ["a.b", "a.c"])).toEqual({ a: { b: "x", c: { d: "y" } } });
  });
});
