// POST /api/v1/projects/:slug/tasks/next: lease the next ranking task ({task}, or {task: null} when none is open).
import { defineRoute } from "@/lib/api";
import { nextTask } from "@/lib/rankings/tasks";

/** POST, not GET: it takes a lease. Asking again while the lease is open returns the same task. */
export const POST = defineRoute<undefined, { slug: string }>({ role: "annotator" }, async ({ actor, params }) => ({ task: await nextTask(actor, { projectSlug: params.slug }) }));
