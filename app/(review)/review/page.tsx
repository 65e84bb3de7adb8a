// Review: The review queue of submitted prompts, demonstrations and unsettled rankings.
import { requirePageRole } from "@/lib/auth/session";

export default async function ReviewPage() {
  await requirePageRole("reviewer");
  return (
    <div className="space-y-4" data-testid="review-page">
      <h1 className="text-2xl font-semibold">Review</h1>
      <p className="text-slate-600 dark:text-slate-400">The review queue of submitted prompts, demonstrations and unsettled rankings.</p>
    </div>
  );
}
