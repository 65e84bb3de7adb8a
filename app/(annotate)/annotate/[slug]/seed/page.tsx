// Write from a seed: k random seed tasks of the project shown as examples, and a form for a new task that must be novel.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { getSeedTasks } from "@/lib/prompts/from-seed";
import { seedTasksInput } from "@/lib/validation/prompts";
import { SeedForm } from "./seed-form";

export default async function SeedPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ k?: string; submitted?: string }> }) {
  const actor = await requirePageRole("annotator");
  const project = await projectOrNotFound(actor, (await params).slug);
  const { k, submitted } = await searchParams;
  const parsed = seedTasksInput.safeParse({ projectSlug: project.slug, k: k ?? undefined });
  const seeds = await getSeedTasks(actor, parsed.success ? parsed.data : { projectSlug: project.slug, k: 6 });
  const t = await getTranslations("seed");
  return (
    <div className="grid gap-6 lg:grid-cols-2" data-testid="seed-page">
      {submitted && (
        <p role="status" data-testid="seed-submitted" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 lg:col-span-2 dark:bg-green-950 dark:text-green-300">
          {t("submitted")}
        </p>
      )}
      <Card title={t("seeds")}>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
          {t("intro", { threshold: 0.7 })}{" "}
          <Link href={`/annotate/${project.slug}/seed`} data-testid="seed-shuffle" className="text-indigo-600 underline dark:text-indigo-400">
            {t("shuffle")}
          </Link>
        </p>
        {seeds.length === 0 ? (
          <p className="text-sm text-slate-500" data-testid="no-seeds">
            {t("none")}
          </p>
        ) : (
          <ol className="list-decimal space-y-3 ps-5 text-sm" data-testid="seed-tasks">
            {seeds.map((s) => (
              <li key={s.id} data-testid="seed-task">
                <p>{s.instruction}</p>
                {s.input && <pre className="mt-1 whitespace-pre-wrap rounded bg-slate-50 p-2 text-xs dark:bg-slate-800">{s.input}</pre>}
                {s.category && <p className="text-xs text-slate-500">{s.category}</p>}
              </li>
            ))}
          </ol>
        )}
      </Card>
      <Card title={t("newTask")}>

        <SeedForm key={submitted ?? "new"} projectSlug={project.slug} categories={project.categories} seedIds={seeds.map((s) => s.id)} />
      </Card>
    </div>
  );
}
