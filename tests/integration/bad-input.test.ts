// Bad input to every /api/v1 route and every server action: a 4xx naming the problem, never a 500, and the database unchanged.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { getDb, setConnection, type Connection } from "@/db/client";
import { completions, exports as exportsTable, modelVersions, trainingRuns, webhookDeliveries, type Question } from "@/db/schema";
import { MAX_JSON_BODY_BYTES } from "@/lib/api";
import { inviteUser } from "@/lib/auth/accounts";
import type { Actor } from "@/lib/auth/roles";
import { createApiToken } from "@/lib/auth/tokens";
import { stopBoss } from "@/lib/jobs/queue";
import { savePromptDraft, submitPrompt } from "@/lib/prompts/write";
import { submitRanking } from "@/lib/rankings/submit";
import { nextTask } from "@/lib/rankings/tasks";
import { startCollect } from "@/lib/sources/collect";
import { addSource, removeSource } from "@/lib/sources/sources";
import { sealBattle } from "@/lib/playground/battle-token";
import * as exportsRoute from "@/app/api/v1/projects/[slug]/exports/route";
import * as exportRoute from "@/app/api/v1/projects/[slug]/exports/[id]/route";
import * as exportFileRoute from "@/app/api/v1/projects/[slug]/exports/[id]/files/[name]/route";
import * as exportArchiveRoute from "@/app/api/v1/projects/[slug]/exports/[id]/archive/route";
import * as importsRoute from "@/app/api/v1/projects/[slug]/imports/route";
import * as leaderboardRoute from "@/app/api/v1/projects/[slug]/leaderboard/route";
import * as evaluationRoute from "@/app/api/v1/projects/[slug]/evaluation/route";
import * as projectRunsRoute from "@/app/api/v1/projects/[slug]/runs/route";
import * as runRoute from "@/app/api/v1/runs/[id]/route";
import * as nextTaskRoute from "@/app/api/v1/projects/[slug]/tasks/next/route";
import * as taskRankingRoute from "@/app/api/v1/tasks/[id]/ranking/route";
import * as cancelRunRoute from "@/app/api/v1/runs/[id]/cancel/route";
import * as sourcesRoute from "@/app/api/v1/projects/[slug]/sources/route";
import * as sourceTestRoute from "@/app/api/v1/projects/[slug]/sources/[name]/test/route";
import * as sourceRemoveRoute from "@/app/api/v1/projects/[slug]/sources/[name]/remove/route";
import * as collectRunsRoute from "@/app/api/v1/projects/[slug]/sources/collect-runs/route";
import * as collectRunRoute from "@/app/api/v1/projects/[slug]/sources/collect-runs/[id]/route";
import * as webhooksRoute from "@/app/api/v1/projects/[slug]/webhooks/route";
import * as webhookRemoveRoute from "@/app/api/v1/projects/[slug]/webhooks/[id]/remove/route";
import * as webhookEnableRoute from "@/app/api/v1/projects/[slug]/webhooks/[id]/enable/route";
import * as webhookDeliveriesRoute from "@/app/api/v1/projects/[slug]/webhooks/[id]/deliveries/route";
import * as redeliverRoute from "@/app/api/v1/projects/[slug]/webhooks/deliveries/[id]/redeliver/route";
import * as projectWebhookActions from "@/app/(admin)/admin/projects/[slug]/webhook-actions";
import { emitWebhookEvent } from "@/lib/webhooks/emit";
import { addWebhook, removeWebhook } from "@/lib/webhooks/webhooks";
import { webhooks as webhooksTable } from "@/db/schema";
import * as adminActions from "@/app/(admin)/admin/actions";
import * as projectActions from "@/app/(admin)/admin/projects/actions";
import * as projectSourceActions from "@/app/(admin)/admin/projects/[slug]/actions";
import * as annotateActions from "@/app/(annotate)/annotate/actions";
import * as playgroundActions from "@/app/(annotate)/annotate/[slug]/playground/actions";
import * as inviteActions from "@/app/(auth)/invite/[token]/actions";
import * as setupActions from "@/app/(auth)/setup/actions";
import * as languageActions from "@/app/_components/language/actions";
import * as dataActions from "@/app/(review)/data/actions";
import * as reviewActions from "@/app/(review)/review/actions";
import * as modelActions from "@/app/(training)/models/actions";
import * as trainingActions from "@/app/(training)/training/actions";
import { changedTables, databaseFingerprint, derivedCases, hostileStrings, MB_STRING, namesField, RTL, type Expectation, type InputCase } from "../helpers/bad-input";
import { makeActor } from "../helpers/actors";
import { createTestConnection, databaseKinds } from "../helpers/db";
import { seedProject, seedPrompts } from "../helpers/seed";
import { listApiRouteFiles, methodsIn } from "../e2e/route-rules";
import { withInput } from "../helpers/input";
import { submitRankingInput, nextTaskInput } from "@/lib/validation/rankings";
import { savePromptDraftInput, submitPromptInput } from "@/lib/validation/prompts";

/** Parsed at the boundary first, as the action, route and CLI do. */
const submitRankingVia = (actor: Actor, raw: unknown) => withInput(submitRankingInput, raw, (input) => submitRanking(actor, input));
const nextTaskVia = (actor: Actor, raw: unknown) => withInput(nextTaskInput, raw, (input) => nextTask(actor, input));

const savePromptDraftVia = (actor: Actor, raw: unknown) => withInput(savePromptDraftInput, raw, (input) => savePromptDraft(actor, input));
const submitPromptVia = (actor: Actor, raw: unknown) => withInput(submitPromptInput, raw, (input) => submitPrompt(actor, input));
// Server actions read the session through next-auth; here it is whoever `session.userId` names.
const session = vi.hoisted(() => ({ userId: null as string | null }));
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next-auth")>()),
  getServerSession: async () => (session.userId ? { user: { id: session.userId } } : null),
}));
// revalidatePath needs Next's request store; no action under test may get that far anyway.
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const root = path.resolve(import.meta.dirname, "../..");

type World = Awaited<ReturnType<typeof seedWorld>>;

/**
 * Two projects, demo and other. The admin (signed in for actions, and holder of the API token)
 * has an open task, a submitted ranking and drafts; Ann (annotator) has her own task, ranking
 * and a submitted prompt; `other` has a snapshot, a model version and a finished run whose ids
 * the cases use where a demo id belongs. Demo has a model source `alpha` (and a removed one,
 * `gone`); `other` has its own source and a queued collect run (no worker ever takes it). Every
 * source points at NO_SERVER_URL, and no case is valid, so none is ever asked anything.
 */
async function seedWorld() {
  const db = getDb();
  const admin = await makeActor("admin", "Admin");
  const ann = await makeActor("annotator", "Ann");
  const demo = await seedProject({ slug: "demo", settings: { k: 2, overlap: 2, questions: demoQuestions } });
  const other = await seedProject({ slug: "other", settings: { k: 2, overlap: 2 } });
  const demoPromptIds = await seedPrompts(demo.id, 3, 2);
  const [otherPromptId] = await seedPrompts(other.id, 1, 2);
  const completionIdsOf = async (promptId: string) => (await db.select().from(completions).where(eq(completions.promptId, promptId))).map((c) => c.id).sort();
  const otherCompletionIds = await completionIdsOf(otherPromptId);

  const first = (await nextTaskVia(admin, { projectSlug: "demo" }))!;
  const adminRanking = await submitRankingVia(admin, { assignmentId: first.assignmentId, order: first.outputs.map((o) => [o.id]), idempotencyKey: "admin-seed-key" });
  const task = (await nextTaskVia(admin, { projectSlug: "demo" }))!;
  // An output with an astral character, for spans that would split it: 😀's two UTF-16 code units sit at offsets 7 and 8.
  await db.update(completions).set({ text: "A grin \u{1F600} here." }).where(eq(completions.id, task.outputs[0].id));
  const annFirst = (await nextTaskVia(ann, { projectSlug: "demo" }))!;
  const annRanking = await submitRankingVia(ann, { assignmentId: annFirst.assignmentId, order: annFirst.outputs.map((o) => [o.id]), idempotencyKey: "ann-seed-key" });
  const annTask = (await nextTaskVia(ann, { projectSlug: "demo" }))!;
  const annSubmitted = await submitPromptVia(ann, { projectSlug: "demo", instruction: "Ann asks a fresh question here?", category: "coding" });
  const annDraft = await savePromptDraftVia(ann, { projectSlug: "demo", instruction: "Ann's draft" });
  const adminOtherDraft = await savePromptDraftVia(admin, { projectSlug: "other", instruction: "Admin's draft in other" });

  const [otherExport] = await db.insert(exportsTable).values({ projectId: other.id, cutoffAt: new Date(), filters: {}, counts: {}, manifest: {}, location: "/nonexistent/other" }).returning();
  const [demoExport] = await db.insert(exportsTable).values({ projectId: demo.id, cutoffAt: new Date(), filters: {}, counts: {}, manifest: { sha256: {} }, location: "/nonexistent/demo" }).returning();
  const [demoVersion] = await db.insert(modelVersions).values({ projectId: demo.id, label: "demo-v1", base: "tiny", config: {}, checkpointPath: "/nonexistent/demo-v1" }).returning();
  const [otherVersion] = await db.insert(modelVersions).values({ projectId: other.id, label: "other-v1", base: "tiny", config: {}, checkpointPath: "/nonexistent/other-v1" }).returning();
  const [otherRun] = await db.insert(trainingRuns).values({ projectId: other.id, kind: "sft", hyperparameters: {}, base: "tiny", status: "succeeded" }).returning();
  const demoSource = await addSource(admin, { projectSlug: "demo", name: "alpha", baseUrl: NO_SERVER_URL, model: "m" });
  const removedSource = await addSource(admin, { projectSlug: "demo", name: "gone", baseUrl: NO_SERVER_URL, model: "m" });
  await removeSource(admin, { projectSlug: "demo", name: removedSource.name });
  const otherSource = await addSource(admin, { projectSlug: "other", name: "other-source", baseUrl: NO_SERVER_URL, model: "m" });
  const otherCollectRun = await startCollect(admin, { projectSlug: "other", sources: [otherSource.name], prompts: 5 });
  // Webhooks: demo's (with a delivery), a removed one, a disabled one (with a delivery), and other's (with a delivery).
  const demoHook = await addWebhook(admin, { projectSlug: "demo", url: NO_SERVER_URL, events: ["export.ready"] });
  const disabledHook = await addWebhook(admin, { projectSlug: "demo", url: NO_SERVER_URL, events: ["run.failed"] });
  const removedHook = await addWebhook(admin, { projectSlug: "demo", url: NO_SERVER_URL, events: ["run.failed"] });
  await removeWebhook(admin, { projectSlug: "demo", id: removedHook.id });
  const otherHook = await addWebhook(admin, { projectSlug: "other", url: NO_SERVER_URL, events: ["export.ready"] });
  await db.transaction(async (tx) => {
    await emitWebhookEvent(tx, { projectId: demo.id, event: "export.ready", data: {} });
    await emitWebhookEvent(tx, { projectId: demo.id, event: "run.failed", data: {} });
    await emitWebhookEvent(tx, { projectId: other.id, event: "export.ready", data: {} });
  });
  await db.update(webhooksTable).set({ enabled: false, disabledAt: new Date(), disabledReason: "seeded" }).where(eq(webhooksTable.id, disabledHook.id));
  const deliveryOf = async (webhookId: string) => (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)))[0];
  const [demoDelivery, disabledDelivery, otherDelivery] = [await deliveryOf(demoHook.id), await deliveryOf(disabledHook.id), await deliveryOf(otherHook.id)];

  const adminToken = await createApiToken(admin, { name: "admin token" });
  const annToken = await createApiToken({ ...admin, id: ann.id }, { name: "ann token" });
  const invite = await inviteUser(admin, { email: "invitee@example.test", role: "annotator" });
  return {
    admin, ann, demo, other, demoPromptIds, otherPromptId, otherCompletionIds, demoPromptCompletionIds: await completionIdsOf(demoPromptIds[0]),
    adminRanking, task, annRanking, annTask, annSubmitted, annDraft, adminOtherDraft,
    otherExport, demoExport, demoVersion, otherVersion, otherRun, adminToken, annToken, invite,
    demoSource, removedSource, otherSource, otherCollectRun,
    demoHook, removedHook, otherHook, demoDelivery, disabledDelivery, otherDelivery,
  };
}

const NO_SUCH_ID = "00000000-0000-4000-8000-000000000000";
/** Demo's task form: all optional, so the seed's plain rankings still submit; the answer cases name each one. */
const demoQuestions: Question[] = [
  { id: "ranking", type: "ranking", title: "Rank", required: true },
  { id: "strength", type: "pairwise", title: "How much better?", required: false },
  { id: "quality", type: "rating", title: "Rate", required: false, min: 1, max: 5, criteria: [{ name: "helpfulness" }, { name: "honesty" }] },
  { id: "topic", type: "label", title: "Topic", required: false, options: ["code", "math"], multiple: false },
  { id: "critique", type: "text", title: "Critique", required: false, maxLength: 200 },
  { id: "errors", type: "span", title: "Mark errors", required: false, labels: ["factual error", "unsafe"] },
];
/** Answers that do not fit demo's form or the task's outputs, each naming its question's field. */
function badAnswerCases(w: World, field: string): Array<{ name: string; answers: unknown; field: string }> {
  const [a, b] = w.task.outputs.map((o) => o.id);
  return [
    { name: "an answer to a question the project lacks", answers: { mood: "happy" }, field: `${field}.mood` },
    { name: "a rating out of range", answers: { quality: { [a]: { helpfulness: 6 } } }, field: `${field}.quality` },
    { name: "a fractional rating", answers: { quality: { [a]: { helpfulness: 2.5 } } }, field: `${field}.quality` },
    { name: "a rating on an unknown criterion", answers: { quality: { [a]: { wit: 3 } } }, field: `${field}.quality` },
    { name: "a rating of another project's output", answers: { quality: { [w.otherCompletionIds[0]]: { helpfulness: 3 } } }, field: `${field}.quality` },
    { name: "a label not in the list", answers: { topic: ["poetry"] }, field: `${field}.topic` },
    { name: "two labels for a single-label question", answers: { topic: ["code", "math"] }, field: `${field}.topic` },
    { name: "a strength between an output and itself", answers: { strength: { a, b: a, strength: 1 } }, field: `${field}.strength` },
    { name: "a strength of 3", answers: { strength: { a, b, strength: 3 } }, field: `${field}.strength` },
    { name: "a text answer over its length", answers: { critique: "x".repeat(201) }, field: `${field}.critique` },
    { name: "a span past the end of the output", answers: { errors: [{ completionId: a, start: 2, end: 500, label: "unsafe" }] }, field: `${field}.errors` },
    { name: "an empty span", answers: { errors: [{ completionId: a, start: 3, end: 3, label: "unsafe" }] }, field: `${field}.errors` },
    { name: "a span splitting a surrogate pair", answers: { errors: [{ completionId: a, start: 8, end: 12, label: "unsafe" }] }, field: `${field}.errors` },
    { name: "a span with an unknown label", answers: { errors: [{ completionId: a, start: 0, end: 5, label: "rude" }] }, field: `${field}.errors` },
    { name: "a rating answer to the label question", answers: { topic: { [a]: { helpfulness: 3 } } }, field: `${field}.topic` },
  ];
}
/** Where the seeded model sources point: a port nothing listens on (the discard port), never asked anyway. */
const NO_SERVER_URL = "http://127.0.0.1:9/v1";
/** Looks like a uuid to a `[0-9a-f-]{36}` pattern; PostgreSQL refuses it as one. */
const NOT_A_UUID = "0".repeat(36);

// ---------------------------------------------------------------------------------------------
// Route handlers

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteCase = { name: string; params?: Record<string, string>; query?: string; body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string>; status?: number[] } & Expectation;
/** `body`: a valid body for the cases that bring none (the path parameter cases), where an empty one would be refused before the path is read. */
type RouteTarget = { module: Record<string, unknown>; params: (w: World) => Record<string, string>; body?: (w: World) => string; cases: (w: World) => RouteCase[] };

/** Unknown, hostile and right-to-left values for each path parameter: 400 or 404. */
function paramCases(params: Record<string, string>): RouteCase[] {
  return Object.entries(params).flatMap(([name, value]) => [
    { name: `unknown ${name}`, params: { ...params, [name]: name === "slug" ? "no-such-project" : NO_SUCH_ID }, field: name },
    { name: `${name} that only looks like a uuid`, params: { ...params, [name]: NOT_A_UUID }, field: name },
    { name: `right-to-left mark in ${name}`, params: { ...params, [name]: `${RTL}${value}` }, field: name },
    ...hostileStrings.map(([what, s]) => ({ name: `${what} in ${name}`, params: { ...params, [name]: s }, field: name })),
  ]);
}

/** Query values as sent on the wire (already percent-encoded): a lone surrogate can only arrive as its CESU-8 bytes. */
const hostileQueryValues: Array<[string, string]> = [
  ["NUL byte", "abc%00def"],
  ["lone surrogate bytes", "abc%ED%A0%80def"],
  ["invalid UTF-8", "abc%FFdef"],
  ["1 MB string", MB_STRING],
  ["right-to-left mark", encodeURIComponent(`${RTL}x`)],
];

/** Bad values for a query parameter; for free text (a file name) only NUL and 1 MB are bad, the rest decode to valid text. */
function queryCases(name: string, extra: Array<[string, string]> = [], opts: { freeText?: boolean } = {}): RouteCase[] {
  const values = opts.freeText ? hostileQueryValues.filter(([what]) => what === "NUL byte" || what === "1 MB string") : hostileQueryValues;
  return [...values, ...extra].map(([what, s]) => ({ name: `${what} in ?${name}`, query: `${name}=${s}`, field: name }));
}

/** Broken JSON, empty bodies and bodies over the 1 MiB limit. */
function jsonBodyCases(): RouteCase[] {
  const big = JSON.stringify({ options: { licence: "a".repeat(MAX_JSON_BODY_BYTES) } });
  return [
    { name: "malformed JSON", body: "{not json" },
    { name: "truncated JSON", body: '{"options": {"pairing": "all"' },
    { name: "JSON with trailing garbage", body: "{} trailing" },
    { name: "empty body", body: "" },
    { name: "a bare NUL byte", body: "\u0000" },
    { name: "JSON null", body: "null" },
    { name: "a JSON list", body: "[]" },
    { name: "invalid UTF-8 bytes", body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
    { name: "body over 1 MiB", body: big, status: [413] },
    { name: "body over 1 MiB of whitespace", body: " ".repeat(MAX_JSON_BODY_BYTES + 1), status: [413] },
    { name: "declared length over 1 MiB", body: "{}", headers: { "content-length": String(MAX_JSON_BODY_BYTES * 4) }, status: [413] },
  ];
}

function bodyCases(cases: Array<InputCase<unknown>>): RouteCase[] {
  return cases.map((c) => ({ name: c.name, body: JSON.stringify(c.input), field: c.field, kinds: c.kinds }));
}

const importRows = {
  good: { instruction: "Imported question?", output: "Imported answer." },
};
const line = (v: unknown) => JSON.stringify(v) + "\n";

/** Every /api/v1 route file and method; the first test fails when a route has no entry here. */
const routes: Record<string, RouteTarget> = {
  "POST app/api/v1/projects/[slug]/exports/route.ts": {
    module: exportsRoute,
    params: () => ({ slug: "demo" }),
    cases: () => [
      ...jsonBodyCases(),
      ...bodyCases(derivedCases({ options: { pairing: "all", licence: "cc-by", evalFraction: 0.1, formats: ["trl"] } }, { required: [], texts: ["options.licence", "options.pairing", "options.formats.0"] })),
      { name: "evalFraction out of range", body: JSON.stringify({ options: { evalFraction: 7 } }), field: "options.evalFraction" },
      { name: "unknown option", body: JSON.stringify({ options: { sneaky: true } }), field: "options" },
      { name: "an unknown language", body: JSON.stringify({ options: { language: "klingon" } }), field: "options.language" },
    ],
  },
  "GET app/api/v1/projects/[slug]/exports/route.ts": { module: exportsRoute, params: () => ({ slug: "demo" }), cases: () => [] },
  "GET app/api/v1/projects/[slug]/exports/[id]/route.ts": {
    module: exportRoute,
    params: (w) => ({ slug: "demo", id: w.demoExport.id }),
    cases: (w) => [{ name: "another project's snapshot", params: { slug: "demo", id: w.otherExport.id }, field: "id" }],
  },
  "GET app/api/v1/projects/[slug]/exports/[id]/files/[name]/route.ts": {
    module: exportFileRoute,
    params: (w) => ({ slug: "demo", id: w.demoExport.id, name: "manifest.json" }),
    cases: (w) => [
      { name: "another project's snapshot", params: { slug: "demo", id: w.otherExport.id, name: "manifest.json" } },
      { name: "path traversal", params: { slug: "demo", id: w.demoExport.id, name: "../../../../etc/passwd" } },
      { name: "absolute path", params: { slug: "demo", id: w.demoExport.id, name: "/etc/passwd" } },
    ],
  },
  "GET app/api/v1/projects/[slug]/exports/[id]/archive/route.ts": {
    module: exportArchiveRoute,
    params: (w) => ({ slug: "demo", id: w.demoExport.id }),
    cases: (w) => [
      { name: "another project's snapshot", params: { slug: "demo", id: w.otherExport.id } },
      { name: "unknown format", query: "format=rar", field: "format" },
      ...queryCases("format"),
    ],
  },
  "POST app/api/v1/projects/[slug]/imports/route.ts": {
    module: importsRoute,
    params: () => ({ slug: "demo" }),
    cases: () => [
      { name: "empty file", body: "" },
      { name: "malformed JSON line", body: line(importRows.good) + "{not json\n" },
      { name: "a row of the wrong type", body: "[1, 2, 3]\n" },
      { name: "instruction of the wrong type", body: line({ ...importRows.good, instruction: 42 }), query: "format=alpaca", field: "instruction" },
      { name: "missing instruction", body: line({ output: "x" }), query: "format=alpaca", field: "instruction" },
      { name: "unknown format", body: line(importRows.good), query: "format=excel", field: "format" },
      { name: "unknown language", body: line(importRows.good), query: "format=alpaca&language=xx", field: "language" },
      { name: "a language name instead of a code", body: line(importRows.good), query: "language=Spanish", field: "language" },
      ...hostileStrings.filter(([what]) => what !== "1 MB string").flatMap(([what, s]) => [
        { name: `${what} in an instruction`, body: line(importRows.good) + line({ ...importRows.good, instruction: `Q ${s}` }), query: "format=alpaca", field: "instruction" },
        { name: `${what} in an output`, body: line({ ...importRows.good, output: s }), query: "format=alpaca", field: "output" },
        { name: `${what} in a field name`, body: line({ ...importRows.good, [`x${s}`]: 1 }), query: "format=alpaca" },
      ]),
      { name: "escaped NUL in JSON text", body: '{"instruction": "Q\\u0000", "output": "A"}\n', query: "format=alpaca", field: "instruction" },
      { name: "escaped lone surrogate in JSON text", body: '{"instruction": "Q\\ud800", "output": "A"}\n', query: "format=alpaca", field: "instruction" },
      // Conversations (#15): an Open-Assistant tree is refused when its ids loop back or a reply names another parent.
      {
        name: "an oasst tree whose ids loop back (a cycle)",
        body: line({ prompt: { message_id: "a", role: "prompter", text: "Hi", replies: [{ message_id: "b", parent_id: "a", role: "assistant", text: "Hello", replies: [{ message_id: "a", parent_id: "b", role: "prompter", text: "Hi" }] }] } }),
        query: "format=oasst",
        field: "prompt.replies.0.replies.0.message_id",
      },
      {
        name: "an oasst reply to an unknown parent",
        body: line({ prompt: { message_id: "a", role: "prompter", text: "Hi", replies: [{ message_id: "b", parent_id: "zzz", role: "assistant", text: "Hello" }] } }),
        query: "format=oasst",
        field: "prompt.replies.0.parent_id",
      },
      { name: "a broken gzip stream", body: new Uint8Array([...gzipSync(line(importRows.good)).subarray(0, 12), 1, 2, 3, 4]) },
      { name: "binary garbage", body: new Uint8Array([0, 159, 146, 150, 0, 255, 0, 1]) },
      { name: "declared length over 1 GB", body: line(importRows.good), headers: { "content-length": String(2 * 1024 ** 3) }, status: [413] },
      ...queryCases("filename", [], { freeText: true }).map((c) => ({ ...c, body: line(importRows.good) })),
      ...queryCases("format"),
    ],
  },
  "GET app/api/v1/projects/[slug]/leaderboard/route.ts": {
    module: leaderboardRoute,
    params: () => ({ slug: "demo" }),
    cases: () => [{ name: "unknown baseline", query: "baseline=nobody", field: "baseline" }, ...queryCases("baseline")],
  },
  "GET app/api/v1/projects/[slug]/evaluation/route.ts": {
    module: evaluationRoute,
    params: () => ({ slug: "demo" }),
    cases: () => [{ name: "an unknown project", params: { slug: "no-such-project" }, field: "projectSlug", kinds: ["not_found"] }],
  },
  "POST app/api/v1/projects/[slug]/runs/route.ts": {
    module: projectRunsRoute,
    params: () => ({ slug: "demo" }),
    cases: (w) => [
      ...jsonBodyCases(),
      ...bodyCases(derivedCases({ stage: "sft", base: "tiny", hyperparameters: { steps: 10, lr: 0.001 } }, { required: [], texts: ["stage", "base"], typed: ["stage", "base", "hyperparameters", "hyperparameters.steps", "hyperparameters.lr"] })),
      { name: "another project's snapshot", body: JSON.stringify({ stage: "sft", base: "tiny", snapshotId: w.otherExport.id }), field: "snapshotId" },
      { name: "another project's model version as base", body: JSON.stringify({ stage: "sft", base: w.otherVersion.id }), field: "base" },
      { name: "a base that only looks like a version id", body: JSON.stringify({ stage: "sft", base: NOT_A_UUID }), field: "base" },
      { name: "a snapshot id that is not a uuid", body: JSON.stringify({ stage: "sft", base: "tiny", snapshotId: NOT_A_UUID }), field: "snapshotId" },
      { name: "unknown hyperparameter", body: JSON.stringify({ stage: "sft", base: "tiny", hyperparameters: { dropout: 0.5 } }), field: "hyperparameters" },
      { name: "steps of 1e309", body: '{"stage": "sft", "base": "tiny", "hyperparameters": {"steps": 1e309}}', field: "hyperparameters.steps" },
    ],
  },
  "GET app/api/v1/projects/[slug]/runs/route.ts": { module: projectRunsRoute, params: () => ({ slug: "demo" }), cases: () => [] },
  // The admin (token holder) already holds an open lease in demo, so a valid call would only hand it back.
  "POST app/api/v1/projects/[slug]/tasks/next/route.ts": { module: nextTaskRoute, params: () => ({ slug: "demo" }), cases: () => [] },
  "POST app/api/v1/tasks/[id]/ranking/route.ts": {
    module: taskRankingRoute,
    params: (w) => ({ id: w.task.assignmentId }),
    // A valid ranking, so the path cases test the id: with "{}" the body's own errors answered first, and
    // "unknown id" passed only because the field idempotencyKey contains "id".
    body: (w) => {
      const { assignmentId: _, ...base } = rankingBase(w);
      return JSON.stringify(base);
    },
    cases: (w) => {
      const { assignmentId: _, ...base } = rankingBase(w);
      const [a, b] = w.task.outputs.map((o) => o.id);
      const with_ = (patch: Record<string, unknown>) => JSON.stringify({ ...base, ...patch });
      return [
        ...jsonBodyCases(),
        ...bodyCases(derivedCases(base, { required: ["order", "idempotencyKey"], texts: ["order.0.0", "idempotencyKey", "rationale"] })),
        { name: "another annotator's task", params: { id: w.annTask.assignmentId }, body: JSON.stringify(base), kinds: ["not_found"] },
        ...badAnswerCases(w, "answers").slice(0, 3).map((c) => ({ name: c.name, body: with_({ answers: c.answers }), field: c.field })),
        { name: "the task id in the body as well", body: with_({ assignmentId: w.task.assignmentId }), field: "assignmentId" },
        { name: "outputs of another project's prompt", body: with_({ order: w.otherCompletionIds.map((id) => [id]) }), field: "order" },
        { name: "an output ranked twice", body: with_({ order: [[a], [a], [b]] }), field: "order" },
        { name: "an output left out", body: with_({ order: [[a]] }), field: "order" },
        { name: "an unknown flag", body: with_({ flags: { [a]: ["boring"] } }), field: "flags" },
        { name: "a negative time spent", body: with_({ timeSpentMs: -5 }), field: "timeSpentMs" },
        { name: "a short idempotency key", body: with_({ idempotencyKey: "k" }), field: "idempotencyKey" },
      ];
    },
  },
  "GET app/api/v1/projects/[slug]/sources/route.ts": { module: sourcesRoute, params: () => ({ slug: "demo" }), cases: () => [] },
  "POST app/api/v1/projects/[slug]/sources/route.ts": {
    module: sourcesRoute,
    params: () => ({ slug: "demo" }),
    body: () => {
      const { projectSlug: _, ...body } = sourceBase();
      return JSON.stringify(body);
    },
    cases: (w) => {
      const { projectSlug: _, ...base } = sourceBase();
      const with_ = (patch: Record<string, unknown>) => JSON.stringify({ ...base, ...patch });
      return [
        ...jsonBodyCases(),
        ...bodyCases(derivedCases(base, { required: ["name", "baseUrl", "model"], texts: ["name", "baseUrl", "model", "apiKey"], idents: ["name"] })),
        ...badSourceFields(w).map((c) => ({ name: c.name, body: with_(c.patch), field: c.field, kinds: c.kinds })),
        { name: "the project slug in the body as well", body: with_({ projectSlug: "demo" }), field: "projectSlug" },
      ];
    },
  },
  "POST app/api/v1/projects/[slug]/sources/[name]/test/route.ts": {
    module: sourceTestRoute,
    params: (w) => ({ slug: "demo", name: w.demoSource.name }),
    cases: (w) => sourceRefRouteCases(w),
  },
  "POST app/api/v1/projects/[slug]/sources/[name]/remove/route.ts": {
    module: sourceRemoveRoute,
    params: (w) => ({ slug: "demo", name: w.demoSource.name }),
    cases: (w) => sourceRefRouteCases(w),
  },
  "GET app/api/v1/projects/[slug]/sources/collect-runs/route.ts": { module: collectRunsRoute, params: () => ({ slug: "demo" }), cases: () => [] },
  "POST app/api/v1/projects/[slug]/sources/collect-runs/route.ts": {
    module: collectRunsRoute,
    params: () => ({ slug: "demo" }),
    body: (w) => {
      const { projectSlug: _, ...body } = collectBase(w);
      return JSON.stringify(body);
    },
    cases: (w) => {
      const { projectSlug: _, ...base } = collectBase(w);
      return [
        ...jsonBodyCases(),
        ...bodyCases(derivedCases(base, { required: ["sources"], texts: ["sources.0"], idents: ["sources.0"], typed: ["sources", "sources.0", "prompts"] })),
        ...badCollectFields(w).map((c) => ({ name: c.name, body: JSON.stringify({ ...base, ...c.patch }), field: c.field })),
        { name: "the project slug in the body as well", body: JSON.stringify({ ...base, projectSlug: "demo" }), field: "projectSlug" },
      ];
    },
  },
  "GET app/api/v1/projects/[slug]/sources/collect-runs/[id]/route.ts": {
    module: collectRunRoute,
    params: (w) => ({ slug: "other", id: w.otherCollectRun.id }),
    cases: (w) => [
      { name: "another project's collect run", params: { slug: "demo", id: w.otherCollectRun.id }, field: "id" },
      { name: "a training run's id", params: { slug: "other", id: w.otherRun.id }, field: "id" },
    ],
  },
  "GET app/api/v1/projects/[slug]/webhooks/route.ts": { module: webhooksRoute, params: () => ({ slug: "demo" }), cases: () => [] },
  "POST app/api/v1/projects/[slug]/webhooks/route.ts": {
    module: webhooksRoute,
    params: () => ({ slug: "demo" }),
    body: () => JSON.stringify(webhookBase()),
    cases: () => [
      ...jsonBodyCases(),
      ...bodyCases(derivedCases(webhookBase(), { required: ["url", "events"], texts: ["url", "description", "events.0"], typed: ["url", "events", "events.0", "description"] })),
      ...badWebhookFields().map((c) => ({ name: c.name, body: JSON.stringify({ ...webhookBase(), ...c.patch }), field: c.field })),
      { name: "the project slug in the body as well", body: JSON.stringify({ ...webhookBase(), projectSlug: "demo" }), field: "projectSlug" },
    ],
  },
  "POST app/api/v1/projects/[slug]/webhooks/[id]/remove/route.ts": { module: webhookRemoveRoute, params: (w) => ({ slug: "demo", id: w.demoHook.id }), cases: (w) => webhookRefRouteCases(w) },
  "POST app/api/v1/projects/[slug]/webhooks/[id]/enable/route.ts": { module: webhookEnableRoute, params: (w) => ({ slug: "demo", id: w.demoHook.id }), cases: (w) => webhookRefRouteCases(w) },
  "GET app/api/v1/projects/[slug]/webhooks/[id]/deliveries/route.ts": {
    module: webhookDeliveriesRoute,
    params: (w) => ({ slug: "demo", id: w.demoHook.id }),
    cases: (w) => [
      ...webhookRefRouteCases(w),
      ...queryCases("limit", [
        ["a word", "abc"],
        ["zero", "0"],
        ["over 200", "201"],
        ["a fraction", "1.5"],
      ]),
    ],
  },
  "POST app/api/v1/projects/[slug]/webhooks/deliveries/[id]/redeliver/route.ts": {
    module: redeliverRoute,
    params: (w) => ({ slug: "demo", id: w.demoDelivery.id }),
    cases: (w) => [
      { name: "another project's delivery", params: { slug: "demo", id: w.otherDelivery.id }, kinds: ["not_found"] },
      { name: "a webhook's id", params: { slug: "demo", id: w.demoHook.id }, kinds: ["not_found"] },
      { name: "a delivery of a disabled webhook", params: { slug: "demo", id: w.disabledDelivery.id }, kinds: ["conflict"] },
    ],
  },
  "GET app/api/v1/runs/[id]/route.ts": {
    module: runRoute,
    params: (w) => ({ id: w.otherRun.id }),
    cases: () => [
      ...queryCases("metricsAfter", [
        ["a word", "abc"],
        ["a negative number", "-1"],
        ["a fraction", "1.5"],
        ["an overflow", "1e309"],
      ]),
    ],
  },
  "POST app/api/v1/runs/[id]/cancel/route.ts": {
    module: cancelRunRoute,
    params: (w) => ({ id: w.otherRun.id }),
    cases: () => [{ name: "a run that already finished", kinds: ["conflict"] }],
  },
};

// Webhooks: every case below is refused before a row is written.

const webhookBase = () => ({ url: "https://example.com/hooks/tuneloop", events: ["export.ready"], description: "CI" });

/** Bad fields of a new webhook, as patches over webhookBase. */
function badWebhookFields(): Array<{ name: string; patch: Record<string, unknown> } & Expectation> {
  return [
    { name: "a URL that is not a URL", patch: { url: "not a url" }, field: "url" },
    { name: "an ftp URL", patch: { url: "ftp://example.com/x" }, field: "url" },
    { name: "a javascript: URL", patch: { url: "javascript:alert(1)" }, field: "url" },
    { name: "a URL with credentials", patch: { url: "https://user:pw@example.com/x" }, field: "url" },
    { name: "a URL with a fragment", patch: { url: "https://example.com/x#frag" }, field: "url" },
    { name: "a URL over 2000 characters", patch: { url: `https://example.com/${"a".repeat(2000)}` }, field: "url" },
    { name: "an unknown event", patch: { events: ["export.done"] }, field: "events" },
    { name: "no events", patch: { events: [] }, field: "events" },
    { name: "an event twice", patch: { events: ["export.ready", "export.ready"] }, field: "events" },
    { name: "a description over 200 characters", patch: { description: "d".repeat(201) }, field: "description" },
  ];
}

/** Path parameters naming a webhook that is not there (the generic ones come from paramCases). */
function webhookRefRouteCases(w: World): RouteCase[] {
  return [
    { name: "another project's webhook", params: { slug: "demo", id: w.otherHook.id }, field: "id", kinds: ["not_found"] },
    { name: "a removed webhook", params: { slug: "demo", id: w.removedHook.id }, field: "id", kinds: ["not_found"] },
    { name: "a delivery's id", params: { slug: "demo", id: w.demoDelivery.id }, field: "id", kinds: ["not_found"] },
  ];
}

/** The same for the remove and enable actions. */
function webhookRefActionCases(w: World): Array<InputCase<unknown>> {
  return [
    ...derivedCases({ projectSlug: "demo", id: w.demoHook.id }, { required: ["projectSlug", "id"], texts: ["projectSlug", "id"], idents: ["projectSlug", "id"] }),
    { name: "an unknown webhook", input: { projectSlug: "demo", id: NO_SUCH_ID }, field: "id", kinds: ["not_found"] },
    { name: "another project's webhook", input: { projectSlug: "demo", id: w.otherHook.id }, field: "id", kinds: ["not_found"] },
    { name: "a removed webhook", input: { projectSlug: "demo", id: w.removedHook.id }, field: "id", kinds: ["not_found"] },
    { name: "an unknown project", input: { projectSlug: "no-such-project", id: w.demoHook.id }, field: "projectSlug", kinds: ["not_found"] },
    { name: "an id that only looks like a uuid", input: { projectSlug: "demo", id: NOT_A_UUID }, field: "id" },
  ];
}

// Model sources: every case below is refused before a source is asked anything or a row is written.

const sourceBase = () => ({ projectSlug: "demo", name: "fresh-source", baseUrl: NO_SERVER_URL, model: "m", apiKey: "sk-test-123", temperature: 0.5, topP: 0.9, maxTokens: 64, concurrency: 2, timeoutS: 5, maxRetries: 0 });

/** Bad fields of a new source, as patches over sourceBase. */
function badSourceFields(w: World): Array<{ name: string; patch: Record<string, unknown> } & Expectation> {
  return [
    { name: "a base URL that is not a URL", patch: { baseUrl: "not a url" }, field: "baseUrl" },
    { name: "an ftp base URL", patch: { baseUrl: "ftp://127.0.0.1:9/v1" }, field: "baseUrl" },
    { name: "a base URL with credentials", patch: { baseUrl: "http://user:pw@127.0.0.1:9/v1" }, field: "baseUrl" },
    { name: "a base URL with a query", patch: { baseUrl: "http://127.0.0.1:9/v1?key=x" }, field: "baseUrl" },
    { name: "a name already used by a source", patch: { name: w.demoSource.name }, field: "name", kinds: ["conflict"] },
    { name: "a name already used by a model version", patch: { name: w.demoVersion.label }, field: "name", kinds: ["conflict"] },
    { name: "the reserved name collect-runs", patch: { name: "collect-runs" }, field: "name" },
    { name: "a name with a space", patch: { name: "has space" }, field: "name" },
    { name: "a blank model", patch: { model: "   " }, field: "model" },
    { name: "an API key with a space", patch: { apiKey: "two words" }, field: "apiKey" },
    { name: "temperature out of range", patch: { temperature: 3 }, field: "temperature" },
    { name: "a top-p of zero", patch: { topP: 0 }, field: "topP" },
    { name: "a concurrency of zero", patch: { concurrency: 0 }, field: "concurrency" },
    { name: "a fractional max tokens", patch: { maxTokens: 1.5 }, field: "maxTokens" },
    { name: "a timeout given as a word", patch: { timeoutS: "soon" }, field: "timeoutS" },
    { name: "a timeout of Infinity", patch: { timeoutS: "Infinity" }, field: "timeoutS" },
    { name: "retries out of range", patch: { maxRetries: 11 }, field: "maxRetries" },
  ];
}

/** Path parameters naming a source that is not there for the test and remove routes (the generic ones come from paramCases). */
function sourceRefRouteCases(w: World): RouteCase[] {
  return [
    { name: "another project's source", params: { slug: "demo", name: w.otherSource.name }, field: "name", kinds: ["not_found"] },
    { name: "a removed source", params: { slug: "demo", name: w.removedSource.name }, field: "name", kinds: ["not_found"] },
    { name: "a model version's label", params: { slug: "demo", name: w.demoVersion.label }, field: "name", kinds: ["not_found"] },
    { name: "the reserved name collect-runs", params: { slug: "demo", name: "collect-runs" }, field: "name" },
    { name: "a name with a slash", params: { slug: "demo", name: "a/b" }, field: "name" },
  ];
}

/** The same for the test and remove actions; the name is checked before anything is asked or removed. */
function sourceRefActionCases(w: World): Array<InputCase<unknown>> {
  return [
    ...derivedCases({ projectSlug: "demo", name: w.demoSource.name }, { required: ["projectSlug", "name"], texts: ["projectSlug", "name"], idents: ["projectSlug", "name"] }),
    { name: "an unknown source", input: { projectSlug: "demo", name: "no-such-source" }, field: "name", kinds: ["not_found"] },
    { name: "another project's source", input: { projectSlug: "demo", name: w.otherSource.name }, field: "name", kinds: ["not_found"] },
    { name: "a removed source", input: { projectSlug: "demo", name: w.removedSource.name }, field: "name", kinds: ["not_found"] },
    { name: "an unknown project", input: { projectSlug: "no-such-project", name: w.demoSource.name }, field: "projectSlug", kinds: ["not_found"] },
    { name: "the reserved name collect-runs", input: { projectSlug: "demo", name: "collect-runs" }, field: "name" },
  ];
}

const collectBase = (w: World) => ({ projectSlug: "demo", sources: [w.demoSource.name], prompts: 5 });

/** Bad fields of a collect run, as patches over collectBase. */
function badCollectFields(w: World): Array<{ name: string; patch: Record<string, unknown> } & Expectation> {
  return [
    { name: "an unknown source", patch: { sources: ["no-such-source"] }, field: "sources" },
    { name: "one unknown source among known ones", patch: { sources: [w.demoSource.name, "no-such-source"] }, field: "sources" },
    { name: "another project's source", patch: { sources: [w.otherSource.name] }, field: "sources" },
    { name: "a removed source", patch: { sources: [w.removedSource.name] }, field: "sources" },
    { name: "a model version's label", patch: { sources: [w.demoVersion.label] }, field: "sources" },
    { name: "a source listed twice", patch: { sources: [w.demoSource.name, w.demoSource.name] }, field: "sources" },
    { name: "no sources", patch: { sources: [] }, field: "sources" },
    { name: "17 sources", patch: { sources: Array.from({ length: 17 }, (_, i) => `s${i}`) }, field: "sources" },
    { name: "zero prompts", patch: { prompts: 0 }, field: "prompts" },
    { name: "too many prompts", patch: { prompts: 10_001 }, field: "prompts" },
    { name: "a fractional number of prompts", patch: { prompts: 1.5 }, field: "prompts" },
    { name: "prompts given as a word", patch: { prompts: "lots" }, field: "prompts" },
  ];
}

function routeRequest(w: World, method: string, c: RouteCase, validBody?: string): Request {
  const given = c.body ?? validBody;
  const headers: Record<string, string> = { authorization: `Bearer ${w.adminToken.token}`, ...(given !== undefined ? { "content-type": "application/json" } : {}), ...c.headers };
  const body = method === "GET" ? undefined : (given ?? "{}");
  return new Request(`http://localhost/api/v1/x${c.query ? `?${c.query}` : ""}`, { method, headers, body });
}

// ---------------------------------------------------------------------------------------------
// Server actions

type Action = (raw: unknown) => Promise<{ ok: true; data: unknown } | { ok: false; error: string; code: string; fieldErrors?: Record<string, string[]> }>;
type ActionTarget = { cases: (w: World) => Array<InputCase<unknown>> };

const actionModules: Record<string, Record<string, unknown>> = {
  "app/(admin)/admin/actions.ts": adminActions,
  "app/(admin)/admin/projects/actions.ts": projectActions,
  "app/(admin)/admin/projects/[slug]/actions.ts": projectSourceActions,
  "app/(admin)/admin/projects/[slug]/webhook-actions.ts": projectWebhookActions,
  "app/(annotate)/annotate/actions.ts": annotateActions,
  "app/(annotate)/annotate/[slug]/playground/actions.ts": playgroundActions,
  "app/(auth)/invite/[token]/actions.ts": inviteActions,
  "app/(auth)/setup/actions.ts": setupActions,
  "app/_components/language/actions.ts": languageActions,
  "app/(review)/data/actions.ts": dataActions,
  "app/(review)/review/actions.ts": reviewActions,
  "app/(training)/models/actions.ts": modelActions,
  "app/(training)/training/actions.ts": trainingActions,
};

const rankingBase = (w: World) => ({ assignmentId: w.task.assignmentId, order: w.task.outputs.map((o) => [o.id]), idempotencyKey: "admin-case-key", rationale: "Clearer." });

/** Every exported action, by `file#name`; the first test fails when an action has no entry here. */
const actions: Record<string, ActionTarget> = {
  "app/_components/language/actions.ts#setLocale": {
    cases: () => [
      ...derivedCases({ locale: "es" }, { required: ["locale"], texts: ["locale"] }),
      { name: "a language the UI does not have", input: { locale: "fr" }, field: "locale" },
      { name: "a language name instead of a code", input: { locale: "Spanish" }, field: "locale" },
      { name: "a region tag", input: { locale: "es-MX" }, field: "locale" },
    ],
  },
  "app/(admin)/admin/actions.ts#inviteUser": {
    cases: (w) => [
      ...derivedCases({ email: "new@example.test", role: "annotator" }, { required: ["email", "role"], texts: ["email", "role"], idents: ["email"] }),
      { name: "an email that already has an account", input: { email: w.ann.email, role: "annotator" }, field: "email" },
      { name: "an unknown role", input: { email: "new@example.test", role: "owner" }, field: "role" },
    ],
  },
  "app/(admin)/admin/actions.ts#changeRole": {
    cases: (w) => [
      ...derivedCases({ userId: w.ann.id, role: "reviewer" }, { required: ["userId", "role"], texts: ["userId", "role"], idents: ["userId"] }),
      { name: "an unknown user", input: { userId: NO_SUCH_ID, role: "reviewer" }, field: "userId" },
      { name: "demoting the last admin", input: { userId: w.admin.id, role: "annotator" }, kinds: ["conflict"] },
    ],
  },
  "app/(admin)/admin/actions.ts#setUserDisabled": {
    cases: (w) => [
      ...derivedCases({ userId: w.ann.id, disabled: true }, { required: ["userId", "disabled"], texts: ["userId"], idents: ["userId"] }),
      { name: "an unknown user", input: { userId: NO_SUCH_ID, disabled: true }, field: "userId" },
      { name: "disabling the last admin", input: { userId: w.admin.id, disabled: true }, kinds: ["conflict"] },
    ],
  },
  "app/(admin)/admin/actions.ts#createApiToken": {
    cases: () => [...derivedCases({ name: "ci token" }, { required: ["name"], texts: ["name"] }), { name: "a blank name", input: { name: "   " }, field: "name" }],
  },
  "app/(admin)/admin/actions.ts#revokeApiToken": {
    cases: () => [...derivedCases({ id: NO_SUCH_ID }, { required: ["id"], texts: ["id"], idents: ["id"] }), { name: "an unknown token", input: { id: NO_SUCH_ID }, kinds: ["not_found"] }],
  },
  "app/(admin)/admin/actions.ts#revokeInvite": {
    cases: () => [...derivedCases({ inviteId: NO_SUCH_ID }, { required: ["inviteId"], texts: ["inviteId"], idents: ["inviteId"] }), { name: "an unknown invite", input: { inviteId: NO_SUCH_ID }, field: "inviteId" }],
  },
  "app/(admin)/admin/projects/actions.ts#createProject": {
    cases: () => [
      ...derivedCases(
        { slug: "fresh", name: "Fresh", guidelines: "Be kind.", categories: ["open QA"], k: 4, goldRate: 0.1 },
        { required: ["slug", "name"], texts: ["slug", "name", "guidelines", "categories", "categories.0"], idents: ["slug"] },
      ),
      { name: "a slug already in use", input: { slug: "demo", name: "Demo again" }, field: "slug" },
      { name: "k out of range", input: { slug: "fresh", name: "Fresh", k: 100 }, field: "k" },
      { name: "a fractional overlap", input: { slug: "fresh", name: "Fresh", overlap: 1.5 }, field: "overlap" },
      { name: "goldRate of Infinity", input: { slug: "fresh", name: "Fresh", goldRate: "Infinity" }, field: "goldRate" },
      { name: "duplicate categories", input: { slug: "fresh", name: "Fresh", categories: ["a", "A"] }, field: "categories" },
      { name: "an uppercase slug", input: { slug: "Fresh", name: "Fresh" }, field: "slug" },
      { name: "settings nested instead of flat", input: { slug: "fresh", name: "Fresh", settings: { k: 4 } }, field: "settings" },
    ],
  },
  "app/(admin)/admin/projects/actions.ts#updateProject": {
    cases: () => [
      ...derivedCases({ slug: "demo", name: "Renamed", guidelines: "New rules." }, { required: ["slug"], texts: ["slug", "name", "guidelines"], idents: ["slug"] }),
      { name: "an unknown project", input: { slug: "no-such-project", name: "X" }, field: "slug" },
      { name: "leaseMinutes of zero", input: { slug: "demo", leaseMinutes: 0 }, field: "leaseMinutes" },
      { name: "category targets that do not sum to 1", input: { slug: "demo", categoryTargets: "open QA = 0.5\ncoding = 0.3" }, field: "categoryTargets" },
      { name: "a negative category target", input: { slug: "demo", categoryTargets: { "open QA": -0.5, coding: 1.5 } }, field: "categoryTargets" },
      { name: "a target for a category the project lacks", input: { slug: "demo", categoryTargets: { "open QA": 0.5, poetry: 0.5 } }, field: "categoryTargets" },
      { name: "a template with an unknown placeholder", input: { slug: "demo", instructionTemplates: { plain: "{instruction} {output}" } }, field: "instructionTemplates" },
      { name: "templates that are not JSON", input: { slug: "demo", instructionTemplates: "{plain" }, field: "instructionTemplates" },
      // #18's bad input: templates with unknown placeholders, targets that do not sum or are negative, huge texts.
      { name: "a template with an unknown placeholder in the form's JSON", input: { slug: "demo", instructionTemplates: '{"task": "Here is a task: {instruction}\\n{context}"}' }, field: "instructionTemplates" },
      { name: "a template with a placeholder of another case", input: { slug: "demo", instructionTemplates: { plain: "{Instruction}" } }, field: "instructionTemplates" },
      { name: "a template without {instruction}", input: { slug: "demo", instructionTemplates: { plain: "Answer this: {input}" } }, field: "instructionTemplates" },
      { name: "a template over 2,000 characters", input: { slug: "demo", instructionTemplates: { long: `{instruction} ${"x".repeat(2000)}` } }, field: "instructionTemplates" },
      { name: "a 1 MB template", input: { slug: "demo", instructionTemplates: { big: `{instruction}${MB_STRING}` } }, field: "instructionTemplates" },
      { name: "1 MB of template text in the form's field", input: { slug: "demo", instructionTemplates: MB_STRING }, field: "instructionTemplates" },
      { name: "a template name with spaces", input: { slug: "demo", instructionTemplates: { "my template": "{instruction}" } }, field: "instructionTemplates" },
      { name: "21 templates", input: { slug: "demo", instructionTemplates: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`t${i}`, "{instruction}"])) }, field: "instructionTemplates" },
      { name: "category targets in percent that sum to 120%", input: { slug: "demo", categoryTargets: "open QA = 60%\ncoding = 60%" }, field: "categoryTargets" },
      { name: "category targets that sum to less than 1", input: { slug: "demo", categoryTargets: { "open QA": 0.2, coding: 0.2 } }, field: "categoryTargets" },
      { name: "a negative category target in percent that still sums to 100%", input: { slug: "demo", categoryTargets: "open QA = -50%\ncoding = 150%" }, field: "categoryTargets" },
      { name: "a category target that is no number", input: { slug: "demo", categoryTargets: "open QA = half\ncoding = 50%" }, field: "categoryTargets" },
      { name: "a category target line without =", input: { slug: "demo", categoryTargets: "open QA 50%\ncoding = 50%" }, field: "categoryTargets" },
      { name: "a category target of Infinity", input: { slug: "demo", categoryTargets: { "open QA": "Infinity", coding: 0 } }, field: "categoryTargets" },
      { name: "1 MB of category target text", input: { slug: "demo", categoryTargets: MB_STRING }, field: "categoryTargets" },
      { name: "seed imports that are not ids", input: { slug: "demo", seedImports: "first, second" }, field: "seedImports" },
      { name: "questions that are not JSON", input: { slug: "demo", questions: "[{" }, field: "questions" },
      { name: "a question of an unknown type", input: { slug: "demo", questions: [{ id: "x", type: "essay", title: "X" }] }, field: "questions.0.type" },
      { name: "a rating scale with max below min", input: { slug: "demo", questions: [{ id: "q", type: "rating", title: "Rate", min: 5, max: 1, criteria: [{ name: "helpfulness" }] }] }, field: "questions.0.max" },
      { name: "two questions with one id", input: { slug: "demo", questions: [{ id: "q", type: "text", title: "A" }, { id: "q", type: "text", title: "B" }] }, field: "questions" },
      { name: "a label question with no options", input: { slug: "demo", questions: [{ id: "q", type: "label", title: "A", options: [] }] }, field: "questions.0.options" },
      { name: "a reset to ranking only that is not a flag", input: { slug: "demo", questionsReset: "maybe" }, field: "questionsReset" },
      { name: "questions and a reset to ranking only together", input: { slug: "demo", questionsReset: "true", questions: [{ id: "q", type: "text", title: "A" }] }, field: "questionsReset" },
      { name: "an unknown PII policy", input: { slug: "demo", pii: "drop" }, field: "pii" },
      { name: "an unknown screening hold", input: { slug: "demo", screeningHold: "maybe" }, field: "screeningHold" },
      { name: "an unknown routing signal", input: { slug: "demo", routingSignal: "votes" }, field: "routingSignal" },
      { name: "a negative reward margin threshold", input: { slug: "demo", rewardMarginThreshold: -0.1 }, field: "rewardMarginThreshold" },
      { name: "a reward margin threshold that is no number", input: { slug: "demo", rewardMarginThreshold: "wide" }, field: "rewardMarginThreshold" },
      { name: "showing suggestions that is not a flag", input: { slug: "demo", showSuggestionsAfterSubmit: "sometimes" }, field: "showSuggestionsAfterSubmit" },
      { name: "a moderation source that is no id", input: { slug: "demo", moderationSourceId: "openai" }, field: "moderationSourceId" },
    ],
  },
  "app/(admin)/admin/projects/[slug]/actions.ts#addSourceAction": {
    cases: (w) => [
      ...derivedCases(sourceBase(), { required: ["projectSlug", "name", "baseUrl", "model"], texts: ["projectSlug", "name", "baseUrl", "model", "apiKey"], idents: ["projectSlug", "name"] }),
      ...badSourceFields(w).map((c) => ({ name: c.name, input: { ...sourceBase(), ...c.patch }, field: c.field, kinds: c.kinds })),
      { name: "an unknown project", input: { ...sourceBase(), projectSlug: "no-such-project" }, field: "projectSlug", kinds: ["not_found"] },
    ],
  },
  "app/(admin)/admin/projects/[slug]/actions.ts#testSourceAction": { cases: (w) => sourceRefActionCases(w) },
  "app/(admin)/admin/projects/[slug]/webhook-actions.ts#addWebhookAction": {
    cases: () => [
      ...derivedCases({ projectSlug: "demo", ...webhookBase() }, { required: ["projectSlug", "url", "events"], texts: ["projectSlug", "url", "description", "events.0"], idents: ["projectSlug"], typed: ["projectSlug", "url", "events", "events.0", "description"] }),
      ...badWebhookFields().map((c) => ({ name: c.name, input: { projectSlug: "demo", ...webhookBase(), ...c.patch }, field: c.field })),
      { name: "an unknown project", input: { projectSlug: "no-such-project", ...webhookBase() }, field: "projectSlug", kinds: ["not_found"] },
    ],
  },
  "app/(admin)/admin/projects/[slug]/webhook-actions.ts#removeWebhookAction": { cases: (w) => webhookRefActionCases(w) },
  "app/(admin)/admin/projects/[slug]/webhook-actions.ts#enableWebhookAction": { cases: (w) => webhookRefActionCases(w) },
  "app/(admin)/admin/projects/[slug]/webhook-actions.ts#redeliverAction": {
    cases: (w) => [
      ...derivedCases({ projectSlug: "demo", deliveryId: w.demoDelivery.id }, { required: ["projectSlug", "deliveryId"], texts: ["projectSlug", "deliveryId"], idents: ["projectSlug", "deliveryId"] }),
      { name: "an unknown delivery", input: { projectSlug: "demo", deliveryId: NO_SUCH_ID }, field: "deliveryId", kinds: ["not_found"] },
      { name: "another project's delivery", input: { projectSlug: "demo", deliveryId: w.otherDelivery.id }, field: "deliveryId", kinds: ["not_found"] },
      { name: "a webhook's id", input: { projectSlug: "demo", deliveryId: w.demoHook.id }, field: "deliveryId", kinds: ["not_found"] },
      { name: "a delivery of a disabled webhook", input: { projectSlug: "demo", deliveryId: w.disabledDelivery.id }, field: "deliveryId", kinds: ["conflict"] },
      { name: "an unknown project", input: { projectSlug: "no-such-project", deliveryId: w.demoDelivery.id }, field: "projectSlug", kinds: ["not_found"] },
    ],
  },
  "app/(admin)/admin/projects/[slug]/actions.ts#removeSourceAction": { cases: (w) => sourceRefActionCases(w) },
  "app/(admin)/admin/projects/[slug]/actions.ts#collectAction": {
    cases: (w) => [
      ...derivedCases(collectBase(w), { required: ["projectSlug", "sources"], texts: ["projectSlug", "sources.0"], idents: ["projectSlug", "sources.0"], typed: ["projectSlug", "sources", "sources.0", "prompts"] }),
      ...badCollectFields(w).map((c) => ({ name: c.name, input: { ...collectBase(w), ...c.patch }, field: c.field })),
      { name: "an unknown project", input: { ...collectBase(w), projectSlug: "no-such-project" }, field: "projectSlug", kinds: ["not_found"] },
    ],
  },
  "app/(annotate)/annotate/actions.ts#savePromptDraft": {
    cases: (w) => [
      ...derivedCases(
        { projectSlug: "demo", instruction: "A draft question?", input: "", category: "", demonstration: "" },
        { required: ["projectSlug", "instruction"], texts: ["projectSlug", "instruction", "input", "category", "demonstration"], idents: ["projectSlug"] },
      ),
      { name: "my draft from another project", input: { projectSlug: "demo", id: w.adminOtherDraft.id, instruction: "Moved?" }, field: "id" },
      { name: "someone else's draft", input: { projectSlug: "demo", id: w.annDraft.id, instruction: "Mine now?" }, field: "id" },
      { name: "an imported prompt", input: { projectSlug: "demo", id: w.demoPromptIds[0], instruction: "Edited?" }, field: "id" },
      { name: "a category the project lacks", input: { projectSlug: "demo", instruction: "A draft question?", category: "poetry" }, field: "category" },
    ],
  },
  "app/(annotate)/annotate/actions.ts#submitPrompt": {
    cases: (w) => [
      ...derivedCases(
        { projectSlug: "demo", instruction: "A long enough question?", input: "", category: "coding", demonstration: "" },
        { required: ["projectSlug", "instruction", "category"], texts: ["projectSlug", "instruction", "input", "category", "demonstration"], idents: ["projectSlug"] },
      ),
      { name: "my draft from another project", input: { projectSlug: "demo", id: w.adminOtherDraft.id, instruction: "A long enough question?", category: "coding" }, field: "id" },
      { name: "someone else's draft", input: { projectSlug: "demo", id: w.annDraft.id, instruction: "A long enough question?", category: "coding" }, field: "id" },
      { name: "a short instruction", input: { projectSlug: "demo", instruction: "Short", category: "coding" }, field: "instruction" },
      // Just over each limit (promptLimits), not only far over it.
      { name: "an instruction of 20,001 characters", input: { projectSlug: "demo", instruction: "Why? ".repeat(4000) + "x", category: "coding" }, field: "instruction" },
      { name: "an input of 50,001 characters", input: { projectSlug: "demo", instruction: "A long enough question?", input: "i".repeat(50_001), category: "coding" }, field: "input" },
      { name: "a demonstration of 50,001 characters", input: { projectSlug: "demo", instruction: "A long enough question?", demonstration: "d".repeat(50_001), category: "coding" }, field: "demonstration" },
    ],
  },
  "app/(annotate)/annotate/actions.ts#submitFromSeed": {
    cases: (w) => [
      ...derivedCases(
        { projectSlug: "demo", instruction: "Compose a limerick about a lighthouse keeper.", input: "", category: "coding", demonstration: "", seedIds: [w.demoPromptIds[0]] },
        { required: ["projectSlug", "instruction", "category"], texts: ["projectSlug", "instruction", "input", "category", "demonstration", "seedIds.0"], idents: ["projectSlug"] },
      ),
      // seedProject's prompts read "Question number 0?" …: ROUGE-L 1.0 with one of them.
      { name: "an instruction too close to an existing one", input: { projectSlug: "demo", instruction: "Question number 1?", category: "coding" }, field: "instruction", kinds: ["conflict"] },
      { name: "a seed id that is no id", input: { projectSlug: "demo", instruction: "Compose a limerick about a lighthouse keeper.", category: "coding", seedIds: ["seed_task_0"] }, field: "seedIds.0" },
      { name: "an instruction of 20,001 characters", input: { projectSlug: "demo", instruction: "Why? ".repeat(4000) + "x", category: "coding" }, field: "instruction" },
    ],
  },
  "app/(annotate)/annotate/actions.ts#checkNovelty": {
    cases: () => derivedCases({ projectSlug: "demo", instruction: "Compose a limerick about a lighthouse keeper." }, { required: ["projectSlug", "instruction"], texts: ["projectSlug", "instruction"], idents: ["projectSlug"] }),
  },
  "app/(annotate)/annotate/actions.ts#findSimilarPrompts": {
    cases: () => derivedCases({ projectSlug: "demo", instruction: "Question number 1?", input: "" }, { required: ["projectSlug", "instruction"], texts: ["projectSlug", "instruction", "input"], idents: ["projectSlug"] }),
  },
  "app/(annotate)/annotate/actions.ts#nextTask": {
    cases: () => derivedCases({ projectSlug: "demo" }, { required: ["projectSlug"], texts: ["projectSlug"], idents: ["projectSlug"] }),
  },
  "app/(annotate)/annotate/actions.ts#saveRankingDraft": {
    cases: (w) => {
      const draft = { order: w.task.outputs.map((o) => [o.id]), flags: {}, noneAcceptable: false, rationale: "", touched: true, elapsedMs: 0 };
      const base = { assignmentId: w.task.assignmentId, draft };
      return [
        ...derivedCases(base, { required: ["assignmentId", "draft", "draft.order"], texts: ["assignmentId", "draft.order.0.0", "draft.rationale"], idents: ["assignmentId"] }),
        { name: "another annotator's task", input: { ...base, assignmentId: w.annTask.assignmentId }, field: "assignmentId" },
        { name: "outputs of another project's prompt", input: { ...base, draft: { ...draft, order: w.otherCompletionIds.map((id) => [id]) } }, field: "draft.order" },
        { name: "a flag on another project's output", input: { ...base, draft: { ...draft, flags: { [w.otherCompletionIds[0]]: ["unsafe"] } } }, field: "draft.order" },
        { name: "a negative elapsed time", input: { ...base, draft: { ...draft, elapsedMs: -1 } }, field: "draft.elapsedMs" },
        ...badAnswerCases(w, "draft.answers").map((c) => ({ name: c.name, input: { ...base, draft: { ...draft, answers: c.answers } }, field: c.field })),
      ];
    },
  },
  "app/(annotate)/annotate/actions.ts#submitRanking": {
    cases: (w) => {
      const base = rankingBase(w);
      const [a, b] = w.task.outputs.map((o) => o.id);
      return [
        ...derivedCases(base, { required: ["assignmentId", "order", "idempotencyKey"], texts: ["assignmentId", "order.0.0", "idempotencyKey", "rationale"], idents: ["assignmentId"] }),
        { name: "another annotator's task", input: { ...base, assignmentId: w.annTask.assignmentId }, field: "assignmentId" },
        { name: "outputs of another project's prompt", input: { ...base, order: w.otherCompletionIds.map((id) => [id]) }, field: "order" },
        { name: "one output of another project", input: { ...base, order: [[a], [w.otherCompletionIds[0]]] }, field: "order" },
        { name: "an output ranked twice", input: { ...base, order: [[a], [a], [b]] }, field: "order" },
        { name: "an output left out", input: { ...base, order: [[a]] }, field: "order" },
        { name: "a flag on another project's output", input: { ...base, flags: { [w.otherCompletionIds[0]]: ["unsafe"] } }, field: "flags" },
        { name: "an unknown flag", input: { ...base, flags: { [a]: ["boring"] } }, field: "flags" },
        { name: "a 1 MB flag key", input: { ...base, flags: { [MB_STRING]: ["unsafe"] } }, field: "flags" },
        { name: "a negative time spent", input: { ...base, timeSpentMs: -5 }, field: "timeSpentMs" },
        { name: "a short idempotency key", input: { ...base, idempotencyKey: "k" }, field: "idempotencyKey" },
        ...badAnswerCases(w, "answers").map((c) => ({ name: c.name, input: { ...base, answers: c.answers }, field: c.field })),
      ];
    },
  },
  "app/(annotate)/annotate/actions.ts#reviseRanking": {
    cases: (w) => {
      const order = w.task.outputs.map((o) => [o.id]);
      const base = { rankingId: w.adminRanking.rankingId, order: [...order].reverse(), idempotencyKey: "admin-revise-key" };
      return [
        ...derivedCases(base, { required: ["rankingId", "order", "idempotencyKey"], texts: ["rankingId", "order.0.0", "idempotencyKey"], idents: ["rankingId"] }),
        { name: "another annotator's ranking", input: { ...base, rankingId: w.annRanking.rankingId }, field: "rankingId" },
        { name: "outputs of another project's prompt", input: { ...base, order: w.otherCompletionIds.map((id) => [id]) }, field: "order" },
      ];
    },
  },
  "app/(annotate)/annotate/actions.ts#skipTask": {
    cases: (w) => [
      ...derivedCases({ assignmentId: w.task.assignmentId, reason: "Too hard for me." }, { required: ["assignmentId", "reason"], texts: ["assignmentId", "reason"], idents: ["assignmentId"] }),
      { name: "another annotator's task", input: { assignmentId: w.annTask.assignmentId, reason: "Not mine." }, field: "assignmentId" },
      { name: "a blank reason", input: { assignmentId: w.task.assignmentId, reason: "   " }, field: "reason" },
    ],
  },
  "app/(annotate)/annotate/actions.ts#rewriteCompletion": {
    cases: (w) => {
      const base = { assignmentId: w.task.assignmentId, completionId: w.task.outputs[0].id, text: "A better answer." };
      return [
        ...derivedCases(base, { required: ["assignmentId", "completionId", "text"], texts: ["assignmentId", "completionId", "text"], idents: ["assignmentId", "completionId"] }),
        { name: "another project's output", input: { ...base, completionId: w.otherCompletionIds[0] }, field: "completionId" },
        { name: "an output not in my task", input: { ...base, completionId: w.demoPromptCompletionIds.find((id) => !w.task.outputs.some((o) => o.id === id))! }, field: "completionId" },
        { name: "another annotator's task", input: { ...base, assignmentId: w.annTask.assignmentId, completionId: w.annTask.outputs[0].id }, field: "assignmentId" },
        { name: "a rewritten output of 50,001 characters", input: { ...base, text: "o".repeat(50_001) }, field: "text" },
      ];
    },
  },
  "app/(annotate)/annotate/actions.ts#continueConversation": {
    cases: (w) => {
      const base = { projectSlug: "demo", parentCompletionId: w.demoPromptCompletionIds[0], text: "And what next?" };
      return [
        ...derivedCases(base, { required: ["projectSlug", "parentCompletionId", "text"], texts: ["projectSlug", "parentCompletionId", "text"], idents: ["projectSlug", "parentCompletionId"] }),
        { name: "another project's reply", input: { ...base, parentCompletionId: w.otherCompletionIds[0] }, field: "parentCompletionId" },
        { name: "an unknown parent reply", input: { ...base, parentCompletionId: "00000000-0000-4000-8000-000000000000" }, field: "parentCompletionId" },
        { name: "a blank user turn", input: { ...base, text: "   " }, field: "text" },
      ];
    },
  },
  "app/(annotate)/annotate/actions.ts#replyToTurn": {
    cases: (w) => {
      const base = { projectSlug: "demo", promptId: w.demoPromptIds[0], text: "Here is my answer." };
      return [
        ...derivedCases(base, { required: ["projectSlug", "promptId", "text"], texts: ["projectSlug", "promptId", "text"], idents: ["projectSlug", "promptId"] }),
        { name: "another project's turn", input: { ...base, promptId: w.otherPromptId }, field: "promptId" },
        { name: "an unknown turn", input: { ...base, promptId: "00000000-0000-4000-8000-000000000000" }, field: "promptId" },
        { name: "a blank reply", input: { ...base, text: "   " }, field: "text" },
      ];
    },
  },
  "app/(annotate)/annotate/actions.ts#setMyLanguages": {
    cases: () => [
      ...derivedCases({ languages: ["en", "es"] }, { required: ["languages"], texts: ["languages.0"] }),
      { name: "an unknown code", input: { languages: ["en", "xx"] }, field: "languages.1" },
      { name: "an unknown code in a list string", input: { languages: "en, klingon" }, field: "languages.1" },
      { name: "undetermined is no language", input: { languages: ["und"] }, field: "languages.0" },
      { name: "too many languages", input: { languages: Array.from({ length: 51 }, () => "en") }, field: "languages" },
    ],
  },
  "app/(annotate)/annotate/[slug]/playground/actions.ts#sendChat": {
    cases: (w) => {
      const base = { projectSlug: "demo", model: "source:alpha", messages: [{ role: "user", content: "Hi" }] };
      return [
        ...derivedCases(base, { required: ["projectSlug", "model", "messages"], texts: ["projectSlug", "model", "messages.0.content"], idents: ["projectSlug"] }),
        { name: "an unknown source", input: { ...base, model: "source:nope" }, field: "model" },
        { name: "a removed source", input: { ...base, model: `source:${w.removedSource.name}` }, field: "model" },
        { name: "another project's source", input: { ...base, model: `source:${w.otherSource.name}` }, field: "model" },
        { name: "another project's version", input: { ...base, model: `version:${w.otherVersion.label}` }, field: "model" },
        { name: "active with no active version", input: { ...base, model: "version:active" }, field: "model" },
        { name: "a temperature that is not a number", input: { ...base, temperature: "hot" }, field: "temperature" },
        { name: "max tokens over 2048", input: { ...base, maxTokens: 4096 }, field: "maxTokens" },
        { name: "a chat ending with the assistant", input: { ...base, messages: [...base.messages, { role: "assistant", content: "Yo" }] }, field: "messages" },
        { name: "an unknown role", input: { ...base, messages: [{ role: "tool", content: "Hi" }] }, field: "messages.0.role" },
      ];
    },
  },
  "app/(annotate)/annotate/[slug]/playground/actions.ts#startArena": {
    cases: (w) => {
      const base = { projectSlug: "demo", message: "Which is better?", a: "source:alpha", b: `version:${w.demoVersion.label}` };
      return [
        ...derivedCases(base, { required: ["projectSlug", "message"], texts: ["projectSlug", "message", "a", "b"], idents: ["projectSlug"] }),
        { name: "only model A chosen", input: { ...base, b: undefined }, field: "b" },
        { name: "the same model twice", input: { ...base, b: "source:alpha" }, field: "b" },
        { name: "another project's source", input: { ...base, a: `source:${w.otherSource.name}` }, field: "a" },
        { name: "a removed source", input: { ...base, b: `source:${w.removedSource.name}` }, field: "b" },
        { name: "max tokens of zero", input: { ...base, maxTokens: 0 }, field: "maxTokens" },
      ];
    },
  },
  "app/(annotate)/annotate/[slug]/playground/actions.ts#voteArena": {
    cases: (w) => {
      const round = (over: { userId?: string; projectId?: string; createdAt?: number } = {}) =>
        sealBattle({
          id: NO_SUCH_ID,
          projectId: over.projectId ?? w.demo.id,
          userId: over.userId ?? w.admin.id,
          message: "Which is better?",
          a: { kind: "source", id: w.demoSource.id, name: w.demoSource.name, reply: "One." },
          b: { kind: "version", id: w.demoVersion.id, name: w.demoVersion.label, reply: "Two." },
          createdAt: over.createdAt ?? Date.now(),
        });
      const base = { projectSlug: "demo", battle: round(), vote: "a" };
      return [
        ...derivedCases(base, { required: ["projectSlug", "battle", "vote"], texts: ["projectSlug", "battle", "vote"], idents: ["projectSlug"] }),
        { name: "an unknown vote", input: { ...base, vote: "c" }, field: "vote" },
        { name: "a made-up round", input: { ...base, battle: "b1.AAAA.BBBB.CCCC" }, field: "battle" },
        { name: "an altered round", input: { ...base, battle: base.battle.slice(0, -1) + (base.battle.endsWith("A") ? "B" : "A") }, field: "battle" },
        { name: "another person's round", input: { ...base, battle: round({ userId: w.ann.id }) }, field: "battle" },
        { name: "a round of another project", input: { ...base, projectSlug: "other" }, field: "battle" },
        { name: "a round over 24 hours old", input: { ...base, battle: round({ createdAt: Date.now() - 25 * 3600_000 }) }, field: "battle" },
      ];
    },
  },
  "app/(auth)/invite/[token]/actions.ts#acceptInvite": {
    cases: (w) => [
      ...derivedCases({ token: w.invite.token, name: "New Person", password: "a long password 1" }, { required: ["token", "name", "password"], texts: ["token", "name", "password"], idents: ["token"] }),
      { name: "an unknown token", input: { token: "x".repeat(32), name: "New Person", password: "a long password 1" }, kinds: ["not_found"] },
      { name: "a short password", input: { token: w.invite.token, name: "New Person", password: "short" }, field: "password" },
    ],
  },
  "app/(auth)/setup/actions.ts#setupAdmin": {
    cases: () => [
      ...derivedCases({ email: "first@example.test", name: "First", password: "a long password 1" }, { required: ["email", "name", "password"], texts: ["email", "name", "password"], idents: ["email"] }),
      { name: "setup once users exist", input: { email: "first@example.test", name: "First", password: "a long password 1" }, kinds: ["conflict", "forbidden", "not_found"] },
    ],
  },
  "app/(review)/data/actions.ts#createSnapshot": {
    cases: () => [
      ...derivedCases(
        { projectSlug: "demo", options: { pairing: "all", licence: "cc-by", formats: ["trl"] } },
        { required: ["projectSlug", "options"], texts: ["projectSlug", "options.pairing", "options.licence", "options.formats.0"], idents: ["projectSlug"] },
      ),
      { name: "an unknown project", input: { projectSlug: "no-such-project", options: {} }, field: "projectSlug" },
      { name: "an output folder (CLI only)", input: { projectSlug: "demo", options: {}, out: "/tmp/x" }, field: "out" },
      { name: "a category weight over 10", input: { projectSlug: "demo", options: { categoryWeights: { coding: 11 } } }, field: "options.categoryWeights.coding" },
      { name: "a negative category cap", input: { projectSlug: "demo", options: { categoryCaps: { coding: -1 } } }, field: "options.categoryCaps.coding" },
      { name: "a template the project lacks", input: { projectSlug: "demo", options: { templates: ["nope"] } }, field: "options.templates" },
      { name: "an unknown language", input: { projectSlug: "demo", options: { language: "xx" } }, field: "options.language" },
    ],
  },
  "app/(review)/review/actions.ts#decideReview": {
    cases: (w) => [
      ...derivedCases({ kind: "prompt", id: w.annSubmitted.id, decision: "reject", reason: "Off topic." }, { required: ["kind", "id", "decision"], texts: ["kind", "id", "decision", "reason"], idents: ["id"] }),
      { name: "reject without a reason", input: { kind: "prompt", id: w.annSubmitted.id, decision: "reject" }, field: "reason" },
      { name: "edit without changes", input: { kind: "prompt", id: w.annSubmitted.id, decision: "edit", edit: {} }, field: "edit" },
      ...hostileStrings.map(([what, s]) => ({ name: `${what} in an edit`, input: { kind: "prompt", id: w.annSubmitted.id, decision: "edit", edit: { instruction: s } }, field: "edit.instruction" })),
      { name: "an unknown prompt", input: { kind: "prompt", id: NO_SUCH_ID, decision: "approve" }, kinds: ["not_found"] },
      { name: "a ranking id given as a prompt", input: { kind: "prompt", id: w.annRanking.rankingId, decision: "approve" }, kinds: ["not_found"] },
      // A ranking review names the prompt whose rankings it settles; a ranking's own id is unknown there.
      { name: "a ranking id given as a ranking", input: { kind: "ranking", id: w.annRanking.rankingId, decision: "approve" }, kinds: ["not_found"] },
      { name: "an edit of a screening", input: { kind: "screening", id: w.annSubmitted.id, decision: "edit", edit: { text: "x" } }, field: "decision" },
      { name: "an unknown prompt's screening", input: { kind: "screening", id: NO_SUCH_ID, decision: "approve" }, kinds: ["not_found"] },
      { name: "an edited instruction of 20,001 characters", input: { kind: "prompt", id: w.annSubmitted.id, decision: "edit", edit: { instruction: "q".repeat(20_001) } }, field: "edit.instruction" },
      { name: "an edited output of 50,001 characters", input: { kind: "prompt", id: w.annSubmitted.id, decision: "edit", edit: { text: "o".repeat(50_001) } }, field: "edit.text" },
    ],
  },
  "app/(review)/review/actions.ts#setGoldAnswer": {
    cases: (w) => {
      const base = { promptId: w.demoPromptIds[0], order: w.demoPromptCompletionIds.map((id) => [id]) };
      return [
        ...derivedCases(base, { required: ["promptId", "order"], texts: ["promptId", "order.0.0"], idents: ["promptId"] }),
        { name: "outputs of another project's prompt", input: { ...base, order: w.otherCompletionIds.map((id) => [id]) }, field: "order" },
        { name: "another project's prompt with these outputs", input: { ...base, promptId: w.otherPromptId }, field: "order" },
        { name: "an unknown prompt", input: { ...base, promptId: NO_SUCH_ID }, field: "promptId" },
        { name: "an output listed twice", input: { ...base, order: [[w.demoPromptCompletionIds[0]], [w.demoPromptCompletionIds[0]]] }, field: "order" },
      ];
    },
  },
  "app/(review)/review/actions.ts#setAnnotatorExcluded": {
    cases: (w) => [
      ...derivedCases({ projectSlug: "demo", userId: w.ann.id, excluded: true }, { required: ["projectSlug", "userId", "excluded"], texts: ["projectSlug", "userId"], idents: ["projectSlug", "userId"] }),
      { name: "an unknown user", input: { projectSlug: "demo", userId: NO_SUCH_ID, excluded: true }, field: "userId" },
      { name: "an unknown project", input: { projectSlug: "no-such-project", userId: w.ann.id, excluded: true }, field: "projectSlug" },
    ],
  },
  "app/(review)/review/actions.ts#startSeedDrafts": {
    cases: (w) => [
      ...derivedCases({ projectSlug: "demo", source: w.demoSource.name, n: 2, k: 2 }, { required: ["projectSlug"], texts: ["projectSlug", "source"], idents: ["projectSlug", "source"] }),
      { name: "neither a source nor a version", input: { projectSlug: "demo", n: 2 }, field: "source" },
      { name: "both a source and a version", input: { projectSlug: "demo", source: w.demoSource.name, version: "active" }, field: "version" },
      { name: "an unknown source", input: { projectSlug: "demo", source: "nope" }, field: "source", kinds: ["not_found"] },
      { name: "a removed source", input: { projectSlug: "demo", source: w.removedSource.name }, field: "source", kinds: ["not_found"] },
      { name: "another project's source", input: { projectSlug: "demo", source: w.otherSource.name }, field: "source", kinds: ["not_found"] },
      { name: "an unknown version", input: { projectSlug: "demo", version: "v999" }, field: "version", kinds: ["not_found"] },
      { name: "n of zero", input: { projectSlug: "demo", source: w.demoSource.name, n: 0 }, field: "n" },
      { name: "n over 50", input: { projectSlug: "demo", source: w.demoSource.name, n: 51 }, field: "n" },
      { name: "a fractional n", input: { projectSlug: "demo", source: w.demoSource.name, n: 2.5 }, field: "n" },
      { name: "n that is no number", input: { projectSlug: "demo", source: w.demoSource.name, n: "many" }, field: "n" },
      { name: "k over 20", input: { projectSlug: "demo", source: w.demoSource.name, k: 21 }, field: "k" },
      { name: "an unknown project", input: { projectSlug: "no-such-project", source: w.demoSource.name }, field: "projectSlug", kinds: ["not_found"] },
    ],
  },
  "app/(review)/review/actions.ts#seedDraftsStatus": {
    cases: () => [
      ...derivedCases({ projectSlug: "demo", jobId: NO_SUCH_ID }, { required: ["projectSlug", "jobId"], texts: ["projectSlug", "jobId"], idents: ["projectSlug", "jobId"] }),
      { name: "a job id that is no id", input: { projectSlug: "demo", jobId: "job-1" }, field: "jobId" },
      { name: "an unknown job", input: { projectSlug: "demo", jobId: NO_SUCH_ID }, field: "jobId", kinds: ["not_found"] },
      { name: "an unknown project", input: { projectSlug: "no-such-project", jobId: NO_SUCH_ID }, field: "projectSlug", kinds: ["not_found"] },
    ],
  },
  "app/(training)/models/actions.ts#promoteVersion": {
    cases: (w) => [
      ...derivedCases({ projectSlug: "demo", versionId: w.demoVersion.id, reason: "Better." }, { required: ["projectSlug", "versionId"], texts: ["projectSlug", "versionId", "reason"], idents: ["versionId"] }),
      { name: "another project's version", input: { projectSlug: "demo", versionId: w.otherVersion.id }, field: "versionId" },
      { name: "an unknown project", input: { projectSlug: "no-such-project", versionId: w.demoVersion.id }, field: "projectSlug" },
      { name: "an unknown version", input: { projectSlug: "demo", versionId: NO_SUCH_ID }, field: "versionId" },
    ],
  },
  "app/(training)/models/actions.ts#generateOutputs": {
    cases: () => [
      ...derivedCases({ projectSlug: "demo", limit: 10 }, { required: ["projectSlug"], texts: ["projectSlug"], idents: ["projectSlug"] }),
      { name: "a limit of zero", input: { projectSlug: "demo", limit: 0 }, field: "limit" },
      { name: "a project without an active version", input: { projectSlug: "demo", limit: 10 }, kinds: ["conflict"] },
    ],
  },
  "app/(training)/models/actions.ts#compareVersion": {
    cases: (w) => [
      ...derivedCases({ projectSlug: "demo", versionId: w.demoVersion.id, limit: 10 }, { required: ["projectSlug", "versionId"], texts: ["projectSlug", "versionId"], idents: ["versionId"] }),
      { name: "another project's version", input: { projectSlug: "demo", versionId: w.otherVersion.id }, field: "versionId" },
      { name: "an unknown version", input: { projectSlug: "demo", versionId: NO_SUCH_ID }, field: "versionId" },
      { name: "a limit of zero", input: { projectSlug: "demo", versionId: w.demoVersion.id, limit: 0 }, field: "limit" },
      { name: "a project without an active version", input: { projectSlug: "demo", versionId: w.demoVersion.id }, kinds: ["conflict"] },
    ],
  },
  "app/(training)/models/actions.ts#evaluateVersionByCategory": {
    cases: (w) => [
      ...derivedCases({ projectSlug: "demo", versionId: w.demoVersion.id }, { required: ["projectSlug", "versionId"], texts: ["projectSlug", "versionId"], idents: ["versionId"] }),
      { name: "another project's version", input: { projectSlug: "demo", versionId: w.otherVersion.id }, field: "versionId", kinds: ["not_found"] },
      { name: "an unknown version", input: { projectSlug: "demo", versionId: NO_SUCH_ID }, field: "versionId", kinds: ["not_found"] },
      { name: "an unknown project", input: { projectSlug: "no-such-project", versionId: w.demoVersion.id }, field: "projectSlug", kinds: ["not_found"] },
      { name: "a version without a snapshot", input: { projectSlug: "demo", versionId: w.demoVersion.id }, field: "versionId", kinds: ["conflict"] },
    ],
  },
  "app/(training)/models/actions.ts#importModel": {
    cases: () => [
      ...derivedCases({ path: "/no/such/model-folder", name: "tiny-model" }, { required: ["path"], texts: ["path", "name"], idents: ["path", "name"] }),
      { name: "a relative path", input: { path: "models/tiny" }, field: "path" },
      { name: "a folder that does not exist", input: { path: "/no/such/model-folder" }, field: "path" },
      { name: "a file, not a folder", input: { path: "/etc/hostname" }, field: "path" },
      { name: "a folder without config.json", input: { path: "/" }, field: "path" },
      { name: "a name with spaces", input: { path: "/no/such/model-folder", name: "my model" }, field: "name" },
    ],
  },
  "app/(training)/models/actions.ts#pickProjectBase": {
    cases: () => [
      ...derivedCases({ projectSlug: "demo", baseModelId: NO_SUCH_ID }, { required: ["projectSlug", "baseModelId"], texts: ["projectSlug", "baseModelId"], idents: ["projectSlug", "baseModelId"] }),
      { name: "an unknown base model", input: { projectSlug: "demo", baseModelId: NO_SUCH_ID }, field: "baseModelId" },
      { name: "a base model id that is not one", input: { projectSlug: "demo", baseModelId: NOT_A_UUID }, field: "baseModelId" },
      { name: "an unknown project", input: { projectSlug: "no-such-project", baseModelId: null }, field: "projectSlug" },
    ],
  },
  "app/(training)/training/actions.ts#startRun": {
    cases: (w) => {
      const base = { projectSlug: "demo", stage: "sft", base: "tiny", hyperparameters: { steps: 10 } };
      return [
        ...derivedCases(base, { required: ["projectSlug"], texts: ["projectSlug", "stage", "base"], idents: ["projectSlug"], typed: ["projectSlug", "stage", "base", "hyperparameters", "hyperparameters.steps"] }),
        { name: "another project's snapshot", input: { ...base, snapshotId: w.otherExport.id }, field: "snapshotId" },
        { name: "another project's model version as base", input: { ...base, base: w.otherVersion.id }, field: "base" },
        { name: "a base that only looks like a version id", input: { ...base, base: NOT_A_UUID }, field: "base" },
        { name: "an unknown hyperparameter", input: { ...base, hyperparameters: { dropout: 0.5 } }, field: "hyperparameters" },
        { name: "LoRA on a GPT-2-shaped preset", input: { ...base, hyperparameters: { steps: 10, lora: { rank: 4, alpha: 8, targets: ["q", "v"] } } }, field: "hyperparameters.lora" },
        { name: "a LoRA rank of zero", input: { ...base, hyperparameters: { lora: { rank: 0, alpha: 8, targets: ["q"] } } }, field: "hyperparameters.lora.rank" },
        { name: "an unknown LoRA target", input: { ...base, hyperparameters: { lora: { rank: 4, alpha: 8, targets: ["qkv"] } } }, field: "hyperparameters.lora.targets" },
        { name: "no LoRA targets", input: { ...base, hyperparameters: { lora: { rank: 4, alpha: 8, targets: [] } } }, field: "hyperparameters.lora.targets" },
        { name: "a pilot share above one half", input: { ...base, hyperparameters: { pilot: 0.9 } }, field: "hyperparameters.pilot" },
        { name: "an unknown imported base model", input: { ...base, base: `model:${NO_SUCH_ID}` }, field: "base" },
      ];
    },
  },
  "app/(training)/training/actions.ts#cancelRun": {
    cases: (w) => [
      ...derivedCases({ id: w.otherRun.id }, { required: ["id"], texts: ["id"], idents: ["id"] }),
      { name: "an unknown run", input: { id: NO_SUCH_ID }, kinds: ["not_found"] },
      { name: "a run that already finished", input: { id: w.otherRun.id }, kinds: ["conflict"] },
    ],
  },
  "app/(training)/training/actions.ts#saveSchedule": {
    cases: () => [
      ...derivedCases({ projectSlug: "demo", cron: "0 3 * * *", minNewPairs: 10, enabled: true }, { required: ["projectSlug", "cron"], texts: ["projectSlug", "cron"], idents: ["projectSlug"] }),
      { name: "enabled given as the text false", input: { projectSlug: "demo", cron: "0 3 * * *", enabled: "no" }, field: "enabled" },
      { name: "a cron with four fields", input: { projectSlug: "demo", cron: "0 3 * *" }, field: "cron" },
      { name: "a LoRA rank of zero for scheduled runs", input: { projectSlug: "demo", cron: "0 3 * * *", hyperparameters: { lora: { rank: 0, alpha: 8, targets: ["q"] } } }, field: "hyperparameters.lora.rank" },
      { name: "a pilot share of zero for scheduled runs", input: { projectSlug: "demo", cron: "0 3 * * *", hyperparameters: { pilot: 0 } }, field: "hyperparameters.pilot" },
      { name: "an unknown project", input: { projectSlug: "no-such-project", cron: "0 3 * * *" }, field: "projectSlug" },
    ],
  },
};

// ---------------------------------------------------------------------------------------------

/** Files with a "use server" directive under app/. */
function listActionFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return walk(p);
      return /\.tsx?$/.test(e.name) && /^\s*["']use server["']/m.test(fs.readFileSync(p, "utf8")) ? [path.relative(root, p)] : [];
    });
  return walk(path.join(root, "app")).sort();
}

function exportedActions(file: string): string[] {
  return [...fs.readFileSync(path.join(root, file), "utf8").matchAll(/export (?:const|async function|function) (\w+)/g)].map((m) => m[1]);
}

const routeKeys = listApiRouteFiles().flatMap((f) => methodsIn(f).map((m) => `${m} ${f}`)).sort();
const actionKeys = listActionFiles().flatMap((f) => exportedActions(f).map((n) => `${f}#${n}`)).sort();

describe("every route and server action has bad-input cases", () => {
  it("route handlers under app/api/v1", () => {
    expect(routeKeys.filter((k) => !routes[k])).toEqual([]);
    expect(Object.keys(routes).filter((k) => !routeKeys.includes(k))).toEqual([]);
  });
  it("server actions under app/", () => {
    expect(actionKeys.filter((k) => !actions[k])).toEqual([]);
    expect(Object.keys(actions).filter((k) => !actionKeys.includes(k))).toEqual([]);
    expect(Object.keys(actionModules).sort()).toEqual(listActionFiles());
  });
});

const fourXX = (status: number) => status >= 400 && status < 500;
const kindOf = (code: string) => code.split(":")[0];
const statusOfKind: Record<string, number> = { bad_request: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, too_large: 413, unprocessable: 422, rate_limit: 429 };

/** Why an error answer falls short, or null: it must be a 4xx, and a 400 must name the field. */
function judge(status: number, error: { code?: string; message?: string; fieldErrors?: Record<string, string[]> } | undefined, c: Expectation & { status?: number[] }): string | null {
  if (!fourXX(status)) return `status ${status} (${error?.code ?? "?"}: ${error?.message ?? ""})`;
  if (!error?.code || !error.message) return `status ${status} without a JSON error {code, message}`;
  if (c.status && !c.status.includes(status)) return `status ${status}, expected ${c.status.join("/")} (${error.code})`;
  if (c.kinds && !c.kinds.includes(kindOf(error.code))) return `${error.code}, expected ${c.kinds.join("/")}`;
  if (status === 400 && c.field && !namesField(error, c.field)) return `${error.code} does not name ${c.field}: ${error.message} ${JSON.stringify(error.fieldErrors ?? {})}`.slice(0, 400);
  return null;
}

// One database and one seeded world per kind: every case must leave it as it was, which the fingerprint checks.
for (const kind of databaseKinds) {
  describe(`bad input [${kind}]`, () => {
    let conn: Connection | undefined;
    let w: World;
    beforeAll(async () => {
      conn = await createTestConnection(kind);
      setConnection(conn);
      w = await seedWorld();
    });
    afterEach(async () => {
      session.userId = null;
      // A case that wrongly queued a run started a sender; the next must not find it on a closed connection.
      await stopBoss();
    });
    afterAll(async () => {
      setConnection(undefined);
      await conn?.close();
    });

    it.each(Object.keys(routes))("%s", async (key) => {
      const [method, file] = key.split(" ");
      const target = routes[key];
      const handler = target.module[method] as Handler;
      const params = target.params(w);
      const cases = [...paramCases(params), ...target.cases(w)];
      const failures: string[] = [];
      let before = await databaseFingerprint();
      for (const c of cases) {
        const res = await handler(routeRequest(w, method, c, target.body?.(w)), { params: Promise.resolve(c.params ?? params) });
        const text = await res.text();
        let body: { error?: { code?: string; message?: string; fieldErrors?: Record<string, string[]> } } | undefined;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        const problem = judge(res.status, body?.error, c);
        const after = await databaseFingerprint();
        const changed = changedTables(before, after);
        if (problem) failures.push(`${c.name}: ${problem}`);
        if (changed.length) failures.push(`${c.name}: wrote to ${changed.join(", ")}`);
        before = after;
      }
      expect(failures.join("\n"), `${file} ${method}`).toBe("");
    });

    it.each(Object.keys(actions))("%s", async (key) => {
      const [file, name] = key.split("#");
      const action = actionModules[file][name] as Action;
      session.userId = w.admin.id;
      const failures: string[] = [];
      let before = await databaseFingerprint();
      for (const c of actions[key].cases(w)) {
        let problem: string | null;
        try {
          const res = await action(c.input);
          problem = res.ok ? `accepted (${JSON.stringify(res.data)?.slice(0, 120)})` : judge(statusOfKind[kindOf(res.code)] ?? 500, { code: res.code, message: res.error, fieldErrors: res.fieldErrors }, c);
        } catch (e) {
          problem = `threw ${(e as Error).message?.slice(0, 200)}`;
        }
        const after = await databaseFingerprint();
        const changed = changedTables(before, after);
        if (problem) failures.push(`${c.name}: ${problem}`);
        if (changed.length) failures.push(`${c.name}: wrote to ${changed.join(", ")}`);
        before = after;
      }
      expect(failures.join("\n"), key).toBe("");
    });
  });
}
