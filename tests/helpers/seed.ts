// Seed rows for integration tests: a project and approved prompts with model completions.
import { getDb } from "@/db/client";
import { completions, projects, prompts, type ProjectSettings } from "@/db/schema";

export const defaultSettings: ProjectSettings = { k: 4, overlap: 3, agreementThreshold: 0.5, goldRate: 0, reviseHours: 24, leaseMinutes: 30 };

export async function seedProject(opts: { slug?: string; settings?: Partial<ProjectSettings> } = {}) {
  const slug = opts.slug ?? "demo";
  const [row] = await getDb()
    .insert(projects)
    .values({ slug, name: slug, guidelines: "Rank by helpfulness.", categories: ["open QA", "coding"], settings: { ...defaultSettings, ...opts.settings } })
    .returning();
  return row;
}

/** n approved prompts, each with k model completions; authorId makes them someone's own prompts. */
export async function seedPrompts(projectId: string, n: number, k = 4, opts: { authorId?: string } = {}) {
  const db = getDb();
  const made = await db
    .insert(prompts)
    .values(Array.from({ length: n }, (_, i) => ({ projectId, instruction: `Question number ${i}?`, source: "import" as const, status: "approved" as const, authorId: opts.authorId ?? null })))
    .returning({ id: prompts.id });
  await db.insert(completions).values(
    made.flatMap((p) => Array.from({ length: k }, (_, j) => ({ promptId: p.id, text: `Answer ${j} to ${p.id}`, source: "model" as const, generator: `m${j}` }))),
  );
  return made.map((p) => p.id);
}
