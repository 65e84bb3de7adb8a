// `tuneloop token create`, `source add|list|test|remove` and `collect --wait` as a person runs them, on an embedded database,
// against a small OpenAI-compatible server in the test; the key (given by --api-key-env) never shows in what the CLI prints.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isNotNull } from "drizzle-orm";
import { connectPglite, setConnection, type Connection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { completions } from "@/db/schema";
import { actorFromApiToken } from "@/lib/auth/tokens";
import { makeActor } from "../helpers/actors";
import { runCli } from "../helpers/cli";
import { chatAnswer, startFakeOpenAI } from "../helpers/fake-openai";
import { seedProject, seedPrompts } from "../helpers/seed";

const KEY = "sk-cli-5c3a1fDONOTPRINT9";

/** Opens the CLI's own embedded database in this process for `fn`, then lets the CLI have it back. */
async function withDatabase<T>(dataDir: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = connectPglite(path.join(dataDir, "db"));
  setConnection(conn);
  try {
    await migrateDatabase(conn);
    return await fn(conn);
  } finally {
    setConnection(undefined);
    await conn.close();
  }
}

describe("tuneloop token / source / collect (CLI, embedded PGlite)", () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "tuneloop-cli-sources-"));
  afterAll(() => fs.rmSync(data, { recursive: true, force: true }));

  // Ten CLI starts (each opens the embedded database): 10 s apiece on a busy 2-core machine, 29 s while a build ran beside it.
  it("issues a token once, manages sources, collects with --wait; bad input exits 2 naming the flag", { timeout: 600_000 }, async () => {
    const server = await startFakeOpenAI((r) => ({ body: chatAnswer(r.model, `CLI answer to ${r.prompt}`) }));
    process.env.H8_SOURCE_KEY = KEY;
    const printed: string[] = [];
    const cli = async (args: string[]) => {
      const r = await runCli(data, args);
      printed.push(r.stdout, r.stderr);
      return r;
    };
    try {
      await withDatabase(data, async () => {
        await makeActor("admin", "Ops");
        const project = await seedProject({ slug: "demo", settings: { k: 3 } });
        await seedPrompts(project.id, 2, 2);
      });

      const token = await cli(["token", "create", "--email", "ops@example.test", "--name", "ci"]);
      expect(token.code, token.stderr).toBe(0);
      expect(token.stdout.trim()).toMatch(/^tl_[\w-]{32}$/);
      expect(token.stderr).toMatch(/Token "ci" for ops@example.test \(admin\)\. Shown once/);
      const nobody = await cli(["token", "create", "--email", "nobody@example.test"]);
      expect([nobody.code, nobody.stderr]).toEqual([2, expect.stringMatching(/No active user with email nobody@example.test/)]);

      const base = ["source", "add", "--project", "demo", "--name", "alpha", "--base-url", server.baseUrl, "--model", "model-a"];
      const added = await cli([...base, "--api-key-env", "H8_SOURCE_KEY", "--temperature", "0.3", "--concurrency", "2"]);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/Added source alpha: model-a at http:\/\/127\.0\.0\.1:\d+\/v1 \(API key stored\); temperature=0.3 .*concurrency=2/);
      const bad = await cli(["source", "add", "--project", "demo", "--name", "b", "--base-url", "localhost:8000", "--model", "m", "--top-p", "2"]);
      expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--base-url: Base URL must be an http\(s\) URL.*--top-p: Top-p is above 0 and at most 1/)]);
      const dup = await cli(base);
      expect([dup.code, dup.stderr]).toEqual([2, expect.stringMatching(/name "alpha" is already used by another source/)]);
      const noProject = await cli(["source", "add", "--project", "nope", "--name", "x", "--base-url", server.baseUrl, "--model", "m"]);
      expect([noProject.code, noProject.stderr]).toEqual([2, expect.stringMatching(/No project "nope"/)]);

      const list = await cli(["source", "list", "--project", "demo", "--json"]);
      expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ name: "alpha", model: "model-a", hasApiKey: true, settings: expect.objectContaining({ temperature: 0.3, concurrency: 2 }) })]);
      const tested = await cli(["source", "test", "--project", "demo", "--name", "alpha"]);
      expect([tested.code, tested.stdout]).toEqual([0, expect.stringMatching(/^ok: alpha answered in \d+ ms: "CLI answer to Reply with the single word: ok"/)]);

      const collected = await cli(["collect", "--project", "demo", "--source", "alpha", "--wait", "--json"]);
      expect(collected.code, collected.stderr).toBe(0);
      const done = JSON.parse(collected.stdout.trim().split("\n").at(-1)!);
      expect(done).toMatchObject({ type: "done", status: "succeeded", progress: { prompts: 2, done: 2, outputs: 2 }, sources: [{ name: "alpha", outputs: 2, status: "ok" }] });

      const removed = await cli(["source", "remove", "--project", "demo", "--name", "alpha"]);
      expect(removed.code, removed.stderr).toBe(0);

      // Every key-bearing request reached the server with the key; nothing the CLI printed holds it.
      expect(server.log.filter((r) => r.prompt !== "").every((r) => r.auth === `Bearer ${KEY}`)).toBe(true);
      expect(printed.join("\n")).not.toContain(KEY);
      await withDatabase(data, async (conn) => {
        expect(await actorFromApiToken(token.stdout.trim())).toMatchObject({ email: "ops@example.test", role: "admin", via: "token" });
        const rows = await conn.db.select().from(completions).where(isNotNull(completions.modelSourceId));
        expect(rows.map((r) => r.generator)).toEqual(["alpha", "alpha"]);
      });
    } finally {
      delete process.env.H8_SOURCE_KEY;
      await server.close();
    }
  });
});
