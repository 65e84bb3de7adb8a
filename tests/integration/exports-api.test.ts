// The exports API with an API token: create, list, download a file and an archive; bad input is a 4xx naming the field.
import { expect, it } from "vitest";
import { describeEachDatabase } from "../helpers/db";
import { makeActor } from "../helpers/actors";
import { seedProject } from "../helpers/seed";
import { getDb } from "@/db/client";
import { completions, prompts } from "@/db/schema";
import { createApiToken } from "@/lib/auth/tokens";
import * as list from "@/app/api/v1/projects/[slug]/exports/route";
import * as one from "@/app/api/v1/projects/[slug]/exports/[id]/route";
import * as file from "@/app/api/v1/projects/[slug]/exports/[id]/files/[name]/route";
import * as archive from "@/app/api/v1/projects/[slug]/exports/[id]/archive/route";

const call = (handler: (req: Request, ctx: any) => Promise<Response>, token: string, params: Record<string, string>, init: RequestInit & { url?: string } = {}) =>
  handler(new Request(init.url ?? "http://localhost/api/v1/x", { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}) } }), { params: Promise.resolve(params) });

describeEachDatabase("exports API", () => {
  it("creates, lists and downloads snapshots with a token", async () => {
    const admin = await makeActor("admin");
    const project = await seedProject();
    const [p] = await getDb().insert(prompts).values({ projectId: project.id, instruction: "Say hi", source: "human", status: "approved" }).returning();
    await getDb().insert(completions).values({ promptId: p.id, text: "Hi!", source: "human", isDemonstration: true, status: "approved" });
    const { token } = await createApiToken(admin, { name: "t" });

    const bad = await call(list.POST, token, { slug: "demo" }, { method: "POST", body: JSON.stringify({ options: { pairing: "sideways" } }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fieldErrors).toHaveProperty(["options.pairing"]);
    expect((await call(list.POST, token, { slug: "demo" }, { method: "POST", body: "{not json" })).status).toBe(400);
    expect((await call(list.POST, token, { slug: "nope" }, { method: "POST", body: "{}" })).status).toBe(404);

    const created = await call(list.POST, token, { slug: "demo" }, { method: "POST", body: JSON.stringify({ options: { evalFraction: 0 } }) });
    expect(created.status).toBe(201);
    const { id, counts } = await created.json();
    expect(counts["sft.train.jsonl"]).toBe(1);
    const listed = await (await call(list.GET, token, { slug: "demo" })).json();
    expect(listed.exports.map((e: { id: string }) => e.id)).toEqual([id]);
    expect((await (await call(one.GET, token, { slug: "demo", id })).json()).manifest.sha256).toHaveProperty(["sft.train.jsonl"]);
    const body = await (await call(file.GET, token, { slug: "demo", id, name: "sft.train.jsonl" })).text();
    expect(JSON.parse(body.trim()).messages[1].content).toBe("Hi!");
    expect((await call(file.GET, token, { slug: "demo", id, name: "secret.txt" })).status).toBe(404);
    const zip1 = Buffer.from(await (await call(archive.GET, token, { slug: "demo", id }, { url: "http://localhost/a?format=zip" })).arrayBuffer());
    const zip2 = Buffer.from(await (await call(archive.GET, token, { slug: "demo", id }, { url: "http://localhost/a?format=zip" })).arrayBuffer());
    expect(zip1.subarray(0, 2).toString()).toBe("PK");
    expect(zip1.equals(zip2)).toBe(true);
    const tgz = Buffer.from(await (await call(archive.GET, token, { slug: "demo", id }, { url: "http://localhost/a?format=tar.gz" })).arrayBuffer());
    expect(tgz[0]).toBe(0x1f);
    expect((await call(archive.GET, token, { slug: "demo", id }, { url: "http://localhost/a?format=rar" })).status).toBe(400);

  });
});
