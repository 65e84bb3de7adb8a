// The authorization rules the matrix test holds every page and API route to; a route missing here fails the test.
import fs from "node:fs";
import path from "node:path";

export type Access = "public" | "annotator" | "reviewer" | "admin";

/** Pages by their file under app/; the value is the least role that may open it. */
export const pageRules: Record<string, Access> = {
  "app/page.tsx": "public",
  "app/(auth)/login/page.tsx": "public",
  "app/(auth)/setup/page.tsx": "public",
  "app/(auth)/invite/[token]/page.tsx": "public",
  "app/(admin)/admin/page.tsx": "admin",
  "app/(admin)/admin/projects/page.tsx": "admin",
  "app/(admin)/admin/projects/[slug]/page.tsx": "admin",
  "app/(admin)/admin/import/page.tsx": "admin",
  "app/(annotate)/annotate/page.tsx": "annotator",
  "app/(annotate)/annotate/[slug]/page.tsx": "annotator",
  "app/(annotate)/annotate/[slug]/write/page.tsx": "annotator",
  "app/(annotate)/annotate/[slug]/seed/page.tsx": "annotator",
  "app/(annotate)/annotate/[slug]/rank/page.tsx": "annotator",
  "app/(annotate)/annotate/[slug]/conversations/page.tsx": "annotator",
  "app/(annotate)/annotate/[slug]/me/page.tsx": "annotator",
  "app/(annotate)/annotate/[slug]/playground/page.tsx": "annotator",
  "app/(review)/review/page.tsx": "reviewer",
  "app/(review)/review/[slug]/page.tsx": "reviewer",
  "app/(review)/review/[slug]/annotators/page.tsx": "reviewer",
  "app/(review)/review/[slug]/diversity/page.tsx": "reviewer",
  "app/(review)/data/page.tsx": "reviewer",
  "app/(review)/data/[slug]/page.tsx": "reviewer",
  "app/(training)/training/page.tsx": "reviewer",
  "app/(training)/training/[slug]/page.tsx": "reviewer",
  "app/(training)/training/runs/[id]/page.tsx": "reviewer",
  "app/(training)/models/page.tsx": "reviewer",
  "app/(training)/models/[slug]/page.tsx": "reviewer",
  "app/(training)/evaluation/[slug]/page.tsx": "reviewer",
};

/** API routes by file; per method, the least role. */
export const apiRules: Record<string, Partial<Record<"GET" | "POST" | "DELETE", Access>>> = {
  "app/api/v1/projects/[slug]/imports/route.ts": { POST: "admin" },
  "app/api/v1/projects/[slug]/runs/route.ts": { POST: "admin", GET: "reviewer" },
  "app/api/v1/runs/[id]/route.ts": { GET: "reviewer" },
  "app/api/v1/runs/[id]/cancel/route.ts": { POST: "admin" },
  "app/api/v1/projects/[slug]/exports/route.ts": { GET: "reviewer", POST: "admin" },
  "app/api/v1/projects/[slug]/exports/[id]/route.ts": { GET: "reviewer" },
  "app/api/v1/projects/[slug]/exports/[id]/files/[name]/route.ts": { GET: "reviewer" },
  "app/api/v1/projects/[slug]/exports/[id]/archive/route.ts": { GET: "reviewer" },
  "app/api/v1/projects/[slug]/leaderboard/route.ts": { GET: "reviewer" },
  "app/api/v1/projects/[slug]/evaluation/route.ts": { GET: "reviewer" },
  "app/api/v1/projects/[slug]/tasks/next/route.ts": { POST: "annotator" },
  "app/api/v1/tasks/[id]/ranking/route.ts": { POST: "annotator" },
  "app/api/v1/projects/[slug]/sources/route.ts": { GET: "admin", POST: "admin" },
  "app/api/v1/projects/[slug]/sources/[name]/remove/route.ts": { POST: "admin" },
  "app/api/v1/projects/[slug]/sources/[name]/test/route.ts": { POST: "admin" },
  "app/api/v1/projects/[slug]/sources/collect-runs/route.ts": { GET: "admin", POST: "admin" },
  "app/api/v1/projects/[slug]/sources/collect-runs/[id]/route.ts": { GET: "admin" },
  "app/api/v1/projects/[slug]/webhooks/route.ts": { GET: "admin", POST: "admin" },
  "app/api/v1/projects/[slug]/webhooks/[id]/remove/route.ts": { POST: "admin" },
  "app/api/v1/projects/[slug]/webhooks/[id]/enable/route.ts": { POST: "admin" },
  "app/api/v1/projects/[slug]/webhooks/[id]/deliveries/route.ts": { GET: "admin" },
  "app/api/v1/projects/[slug]/webhooks/deliveries/[id]/redeliver/route.ts": { POST: "admin" },
};

const root = path.resolve(import.meta.dirname, "../..");

function walk(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p, name);
    return e.name === name ? [p] : [];
  });
}

export function listPageFiles() {
  return walk(path.join(root, "app"), "page.tsx").map((f) => path.relative(root, f));
}

export function listApiRouteFiles() {
  return walk(path.join(root, "app/api/v1"), "route.ts").map((f) => path.relative(root, f));
}

/** The URL a page or route file serves, with dynamic segments filled in. */
export function urlFor(file: string, params: Record<string, string>): string {
  const parts = file
    .replace(/^app\//, "")
    .replace(/\/?(page\.tsx|route\.ts)$/, "")
    .split("/")
    .filter((p) => p && !/^\(.*\)$/.test(p))
    .map((p) => (p.startsWith("[") ? (params[p.slice(1, -1).replace(/^\.\.\./, "")] ?? "x") : p));
  return "/" + parts.join("/");
}

export function methodsIn(file: string): string[] {
  const src = fs.readFileSync(path.join(root, file), "utf8");
  return [...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
}
