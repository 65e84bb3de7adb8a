// Database round trips per annotator request (#16): a next-task and a submit through their API routes, counted on the
// test connection (tests/helpers/round-trips.ts) so that a change that adds a query shows up here instead of in
// production's latency. The session/token lookup is counted apart: the account cache answers it within its bound.
import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject, seedPrompts } from "../helpers/seed";
import { countRoundTrips } from "../helpers/round-trips";
import * as nextRoute from "@/app/api/v1/projects/[slug]/tasks/next/route";
import * as rankingRoute from "@/app/api/v1/tasks/[id]/ranking/route";
import { createApiToken } from "@/lib/auth/tokens";
import type { RankingTask } from "@/lib/rankings/tasks";

/** Statements that only learn who is asking (token row, user row, the token's lastUsedAt). */
const isAuth = (s: string) => /"api_tokens"|from "users" where "users"\."id"/.test(s);

/**
 * What one request costs, BEGIN and COMMIT included, past the auth lookups. Update with the figures when a change is
 * meant to cost one more. The default policy here has three steps (gate, routing, backlog; no versions), the first two
 * empty: before #16 a new lease cost 12 (one scan per step among them), a resumed one 10, a submit 15.
 */
const EXPECTED = { newLease: 6, resumedLease: 2, submit: 10, duplicateSubmit: 3 };

describeEachDatabase("round trips per request", ({ conn }) => {
  it("a next-task and a submit make a fixed number of round trips", async () => {
    const project = await seedProject({ settings: { overlap: 3 } });
    await seedPrompts(project.id, 6);
    const a = await makeActor("annotator");
    const { token } = await createApiToken({ ...a, role: "admin" }, { name: "t" });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const trips = countRoundTrips(conn());
    const next = async () => {
      const res = await nextRoute.POST(new Request(`http://localhost/api/v1/projects/${project.slug}/tasks/next`, { method: "POST", headers }), { params: Promise.resolve({ slug: project.slug }) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { task: RankingTask }).task;
    };
    const submit = async (t: RankingTask, idempotencyKey: string) => {
      const body = JSON.stringify({ order: t.outputs.map((o) => [o.id]), idempotencyKey });
      const res = await rankingRoute.POST(new Request(`http://localhost/api/v1/tasks/${t.assignmentId}/ranking`, { method: "POST", headers, body }), { params: Promise.resolve({ id: t.assignmentId }) });
      expect(res.status).toBeLessThan(300);
      return res.json();
    };
    const split = (statements: string[]) => ({ auth: statements.filter(isAuth), work: statements.filter((s) => !isAuth(s)) });
    const seen: Record<string, string[]> = {};
    const record = async <T>(name: keyof typeof EXPECTED, fn: () => Promise<T>) => {
      const m = await trips.measure(fn);
      const { auth, work } = split(m.statements);
      // the account cache: at most the token row, the user row and one lastUsedAt write, however cold
      expect(auth.length).toBeLessThanOrEqual(3);
      seen[name] = work;
      return m.result;
    };

    const first = await record("newLease", next);
    expect(first.outputs).toHaveLength(4);
    const again = await record("resumedLease", next);
    expect(again.assignmentId).toBe(first.assignmentId);
    const key = crypto.randomUUID();
    expect(await record("submit", () => submit(first, key))).toMatchObject({ duplicate: false });
    expect(await record("duplicateSubmit", () => submit(first, key))).toMatchObject({ duplicate: true });
    const second = await next();
    expect(second.prompt.id).not.toBe(first.prompt.id);

    const counts = Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, v.length]));
    console.log(`[round-trips] ${conn().kind}`, JSON.stringify(counts), "\n" + Object.entries(seen).map(([k, v]) => `${k}:\n  ${v.join("\n  ")}`).join("\n"));
    expect(counts).toEqual(EXPECTED);
  });
});
