// The leaderboard as JSON: win rates against ?baseline= and Bradley–Terry ratings with bootstrap intervals.
import { defineRoute } from "@/lib/api";
import { projectLeaderboard } from "@/lib/leaderboard/project-leaderboard";

export const GET = defineRoute<undefined, { slug: string }>({ role: "reviewer" }, async ({ actor, params, req }) => {
  const baseline = new URL(req.url).searchParams.get("baseline") ?? undefined;
  return projectLeaderboard(actor, { projectSlug: params.slug, baseline: baseline?.slice(0, 200) });
});
