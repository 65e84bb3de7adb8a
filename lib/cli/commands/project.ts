// `tuneloop project create|update|list`: projects from the shell, acting as the operator (audited with actor null).
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import type { Project } from "@/db/schema";
import { createProject, listProjects, systemActor, updateProject } from "@/lib/projects/projects";
import { normalizeQueueOrder } from "@/lib/rankings/queue-policy";
import { parseInput } from "@/lib/errors";
import { createProjectInput, samplingOf, updateProjectInput } from "@/lib/validation/projects";
import { parseFlags, UsageError } from "../args";

const USAGE =
  "expected: project create --slug S --name N [--k 4 --overlap 3 --agreement 0.5 --min-overlap 2 --max-overlap 7 --routing-signal agreement|confidence --reward-as-ranking on|off --gold-rate 0.1 --revise-hours 24 --lease-minutes 30 " +
  "--temperature 0.8 --top-p 0.95 --max-new-tokens 128 --queue-order 'gate,active,routing,backlog' --generate-on-promote true|false " +
  "--launcher '[\"bash\",\"train.sh\"]'|none --launcher-template NAME --launcher-endpoint URL --launcher-grace-s 30 --categories 'a,b' --guidelines-file F --questions FILE.json|none --pii redact|exclude --screening-hold hold|show --moderation-source SOURCE_ID|none --moderation-mode moderations|llama-guard --category-targets 'open QA=30%,coding=70%' --seed-imports 12,15 --templates '{\"task\":\"Task: {instruction}\"}'] | project update --slug S [same flags] | project list [--json]";

const settingFlags = {
  name: { type: "string" },
  k: { type: "string" },
  overlap: { type: "string" },
  agreement: { type: "string" },
  "min-overlap": { type: "string" },
  "max-overlap": { type: "string" },
  "routing-signal": { type: "string" },
  "reward-as-ranking": { type: "string" },
  "gold-rate": { type: "string" },
  "revise-hours": { type: "string" },
  "lease-minutes": { type: "string" },
  temperature: { type: "string" },
  "top-p": { type: "string" },
  "max-new-tokens": { type: "string" },
  "queue-order": { type: "string" },
  "generate-on-promote": { type: "string" },
  launcher: { type: "string" },
  "launcher-template": { type: "string" },
  "launcher-endpoint": { type: "string" },
  "launcher-grace-s": { type: "string" },
  categories: { type: "string" },
  "guidelines-file": { type: "string" },
  questions: { type: "string" },
  pii: { type: "string" },
  "screening-hold": { type: "string" },
  "moderation-source": { type: "string" },
  "moderation-mode": { type: "string" },
  "category-targets": { type: "string" },
  "seed-imports": { type: "string" },
  templates: { type: "string" },
  json: { type: "boolean" },
} as const;

const settingValues = z.object({
  name: z.string().optional(),
  k: z.string().optional(),
  overlap: z.string().optional(),
  agreement: z.string().optional(),
  "min-overlap": z.string().optional(),
  "max-overlap": z.string().optional(),
  "routing-signal": z.string().optional(),
  "reward-as-ranking": z.string().optional(),
  "gold-rate": z.string().optional(),
  "revise-hours": z.string().optional(),
  "lease-minutes": z.string().optional(),
  temperature: z.string().optional(),
  "top-p": z.string().optional(),
  "max-new-tokens": z.string().optional(),
  "queue-order": z.string().optional(),
  "generate-on-promote": z.string().optional(),
  launcher: z.string().optional(),
  "launcher-template": z.string().optional(),
  "launcher-endpoint": z.string().optional(),
  "launcher-grace-s": z.string().optional(),
  categories: z.string().optional(),
  "guidelines-file": z.string().optional(),
  questions: z.string().optional(),
  pii: z.string().optional(),
  "screening-hold": z.string().optional(),
  "moderation-source": z.string().optional(),
  "moderation-mode": z.string().optional(),
  "category-targets": z.string().optional(),
  "seed-imports": z.string().optional(),
  templates: z.string().optional(),
  json: z.boolean().optional(),
});

/** Flags to the lib input; numbers stay strings here and are checked (and named) by the project schema. */
async function toInput(v: z.infer<typeof settingValues>) {
  let guidelines: string | undefined;
  if (v["guidelines-file"]) {
    try {
      guidelines = await readFile(v["guidelines-file"], "utf8");
    } catch (e) {
      throw new UsageError(`--guidelines-file: cannot read ${v["guidelines-file"]} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  let questions: string | undefined;
  // --questions none: back to ranking only (project update; a new project starts that way)
  if (v.questions && v.questions !== "none") {
    try {
      questions = await readFile(v.questions, "utf8");
    } catch (e) {
      throw new UsageError(`--questions: cannot read ${v.questions} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const input = {
    questions,
    questionsReset: v.questions === "none" ? "true" : undefined,
    name: v.name,
    guidelines,
    categories: v.categories,
    k: v.k,
    overlap: v.overlap,
    agreementThreshold: v.agreement,
    minOverlap: v["min-overlap"],
    maxOverlap: v["max-overlap"],
    routingSignal: v["routing-signal"],
    rewardAsRanking: v["reward-as-ranking"],
    goldRate: v["gold-rate"],
    reviseHours: v["revise-hours"],
    leaseMinutes: v["lease-minutes"],
    temperature: v.temperature,
    topP: v["top-p"],
    maxNewTokens: v["max-new-tokens"],
    queueOrder: v["queue-order"],
    generateOnPromote: v["generate-on-promote"],
    launcher: launcherFromFlags(v),
    pii: v.pii,
    screeningHold: v["screening-hold"],
    moderationSourceId: v["moderation-source"] === "none" ? "" : v["moderation-source"],
    moderationMode: v["moderation-mode"],
    // 'open QA=30%,coding=70%': category names never hold commas (the categories flag splits on them too).
    categoryTargets: v["category-targets"]?.replace(/,/g, "\n"),
    seedImports: v["seed-imports"],
    instructionTemplates: v.templates,
  };
  return Object.fromEntries(Object.entries(input).filter(([, x]) => x !== undefined));
}

/**
 * --launcher '["bash","train.sh"]' (a JSON array of arguments, never a shell string) or none; --launcher-template NAME
 * alone runs that recipe. The launcher is replaced as a whole; the project schema checks it and names the field.
 */
function launcherFromFlags(v: z.infer<typeof settingValues>): unknown {
  if (v.launcher === "none") return null;
  if ([v.launcher, v["launcher-template"], v["launcher-endpoint"], v["launcher-grace-s"]].every((x) => x === undefined)) return undefined;
  let argv: unknown;
  if (v.launcher !== undefined) {
    try {
      argv = JSON.parse(v.launcher);
    } catch {
      throw new UsageError(`--launcher: expected a JSON array of arguments, e.g. '["bash","lib/launchers/recipes/slurm.sh"]' (never a shell string), or none`);
    }
  }
  return { argv, template: v["launcher-template"], endpoint: v["launcher-endpoint"], graceSeconds: v["launcher-grace-s"] };
}

function describe(p: Project): string {
  const s = p.settings;
  const sampling = samplingOf(s);
  return `${p.slug} "${p.name}": k=${s.k} overlap=${s.overlap} agreement=${s.agreementThreshold}${s.minOverlap !== undefined ? ` routing=${s.minOverlap}..${s.maxOverlap ?? s.minOverlap} on ${s.routingSignal ?? "agreement"}${s.rewardAsRanking ? " with the reward model as a ranking" : ""}` : ""} gold-rate=${s.goldRate} revise-hours=${s.reviseHours} lease-minutes=${s.leaseMinutes} temperature=${sampling.temperature} top-p=${sampling.topP} max-new-tokens=${sampling.maxTokens} queue-order=${normalizeQueueOrder(s.queueOrder).join(",")} generate-on-promote=${s.generateOnPromote !== false} launcher=${s.launcher ? JSON.stringify(s.launcher.argv) : "built-in"}; ${p.categories.length} categories`;
}

function print(p: Project, json: boolean | undefined, verb: string) {
  if (json) console.log(JSON.stringify({ id: p.id, slug: p.slug, name: p.name, categories: p.categories, settings: p.settings }));
  else console.log(`${verb} project ${describe(p)}.`);
}

export async function projectCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "create") {
    const { values } = parseFlags(rest, { slug: { type: "string" }, ...settingFlags }, settingValues.extend({ slug: z.string({ message: "is required" }), name: z.string({ message: "is required" }) }).strict());
    // --questions none on a new project: it starts with ranking only anyway
    const { questionsReset: _, ...input } = await toInput(values);
    const parsed = parseInput(createProjectInput, { slug: values.slug, ...input }, "project");
    await migrateDatabase(getConnection());
    print(await createProject(systemActor, parsed), values.json, "Created");
    return 0;
  }
  if (sub === "update") {
    const { values } = parseFlags(rest, { slug: { type: "string" }, ...settingFlags }, settingValues.extend({ slug: z.string({ message: "is required" }) }).strict());
    const input = await toInput(values);
    const parsed = parseInput(updateProjectInput, input, "project");
    await migrateDatabase(getConnection());
    print(await updateProject(systemActor, values.slug, parsed), values.json, "Updated");
    return 0;
  }
  if (sub === "list") {
    const { values } = parseFlags(rest, { json: { type: "boolean" } }, z.object({ json: z.boolean().optional() }).strict());
    await migrateDatabase(getConnection());
    const projects = await listProjects(systemActor);
    if (values.json) console.log(JSON.stringify(projects.map((p) => ({ id: p.id, slug: p.slug, name: p.name, categories: p.categories, settings: p.settings }))));
    else if (!projects.length) console.log("No projects yet: tuneloop project create --slug S --name N");
    else for (const p of projects) console.log(describe(p));
    return 0;
  }
  throw new UsageError(`unknown subcommand "${sub ?? ""}"; ${USAGE}`);
}
