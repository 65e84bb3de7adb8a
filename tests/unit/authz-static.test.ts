// Every server action and route handler goes through the one wrapper that checks the role; a new one without it fails here.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function walk(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p, name);
    return e.name === name ? [p] : [];
  });
}

// Route handlers that are not ours to wrap: next-auth's own endpoints check their own CSRF token.
const unwrappedRoutes = new Set(["app/api/auth/[...nextauth]/route.ts"]);

describe("authorization wrappers", () => {
  const actionFiles = walk(path.join(root, "app"), "actions.ts");
  it.each(actionFiles.map((f) => path.relative(root, f)))("%s: every action is defineAction with a role", (rel) => {
    const src = fs.readFileSync(path.join(root, rel), "utf8");
    expect(src.startsWith('"use server"')).toBe(true);
    expect(src).not.toMatch(/export\s+(async\s+)?function/);
    const exports = [...src.matchAll(/export const (\w+)\s*=\s*([\s\S]*?)(?=\nexport |\n*$)/g)];
    expect(exports.length).toBeGreaterThan(0);
    for (const [, name, body] of exports) {
      expect(body, `${rel}: ${name}`).toMatch(/^defineAction\(\s*\{[\s\S]*?role:\s*"(public|annotator|reviewer|admin)"/);
    }
  });

  const routeFiles = walk(path.join(root, "app"), "route.ts").map((f) => path.relative(root, f));
  it.each(routeFiles.filter((f) => !unwrappedRoutes.has(f)))("%s: every handler is defineRoute with a role", (rel) => {
    const src = fs.readFileSync(path.join(root, rel), "utf8");
    const handlers = [...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\s*=\s*(\w+)/g)];
    expect(handlers.length, `${rel} exports handlers as const = defineRoute(...)`).toBeGreaterThan(0);
    // /api/openai answers in OpenAI's error shape through its own wrapper, which checks the role the same way.
    const wrappers = rel.startsWith("app/api/openai/") ? ["defineOpenAIRoute"] : ["defineRoute"];
    for (const [, method, fn] of handlers) expect(wrappers, `${rel} ${method}`).toContain(fn);
    expect(src).not.toMatch(/export\s+(async\s+)?function\s+(GET|POST|PUT|PATCH|DELETE)/);
  });

  const pages = walk(path.join(root, "app"), "page.tsx").map((f) => path.relative(root, f));
  const publicPages = new Set(["app/page.tsx", "app/(auth)/setup/page.tsx", "app/(auth)/login/page.tsx", "app/(auth)/invite/[token]/page.tsx"]);
  it.each(pages.filter((p) => !publicPages.has(p)))("%s: checks the role with requirePageRole", (rel) => {
    expect(fs.readFileSync(path.join(root, rel), "utf8")).toMatch(/requirePageRole\("(annotator|reviewer|admin)"\)/);
  });
});
