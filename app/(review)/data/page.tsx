// Data: Curated snapshots of the project's data for training.
import { requirePageRole } from "@/lib/auth/session";

export default async function DataPage() {
  await requirePageRole("reviewer");
  return (
    <div className="space-y-4" data-testid="data-page">
      <h1 className="text-2xl font-semibold">Data</h1>
      <p className="text-slate-600 dark:text-slate-400">Curated snapshots of the project's data for training.</p>
    </div>
  );
}
