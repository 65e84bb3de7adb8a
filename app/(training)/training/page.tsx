// Training: Training runs and the retrain schedule.
import { requirePageRole } from "@/lib/auth/session";

export default async function TrainingPage() {
  await requirePageRole("reviewer");
  return (
    <div className="space-y-4" data-testid="training-page">
      <h1 className="text-2xl font-semibold">Training</h1>
      <p className="text-slate-600 dark:text-slate-400">Training runs and the retrain schedule.</p>
    </div>
  );
}
