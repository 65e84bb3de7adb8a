// Annotate: Write instructions and demonstrations and rank model outputs.
import { requirePageRole } from "@/lib/auth/session";

export default async function AnnotatePage() {
  await requirePageRole("annotator");
  return (
    <div className="space-y-4" data-testid="annotate-page">
      <h1 className="text-2xl font-semibold">Annotate</h1>
      <p className="text-slate-600 dark:text-slate-400">Write instructions and demonstrations and rank model outputs.</p>
    </div>
  );
}
