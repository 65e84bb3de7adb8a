// Models: Model versions and the leaderboard.
import { requirePageRole } from "@/lib/auth/session";

export default async function ModelsPage() {
  await requirePageRole("reviewer");
  return (
    <div className="space-y-4" data-testid="models-page">
      <h1 className="text-2xl font-semibold">Models</h1>
      <p className="text-slate-600 dark:text-slate-400">Model versions and the leaderboard.</p>
    </div>
  );
}
