// Annotators: each one's volume, agreement with consensus, gold accuracy and median time (flagged when too fast), with Exclude/Include.
import { Card } from "@/app/_components/form";
import { projectOrNotFound } from "@/app/_components/project-picker";
import { requirePageRole } from "@/lib/auth/session";
import { listAnnotatorQuality, tooFastSecondsOf } from "@/lib/quality/annotators";
import { ExcludeToggle } from "./exclude-toggle";

const fixed2 = (x: number | null) => (x === null ? "—" : x.toFixed(2));
const seconds = (ms: number | null) => (ms === null ? "—" : ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toFixed(1)} min`);

export default async function AnnotatorsPage({ params }: { params: Promise<{ slug: string }> }) {
  const actor = await requirePageRole("reviewer");
  const project = await projectOrNotFound(actor, (await params).slug);
  const rows = await listAnnotatorQuality(actor, project.slug);
  const threshold = tooFastSecondsOf(project.settings);
  return (
    <Card>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Flagged <span className="font-medium">too fast</span>: a median under {threshold} s per ranking, which few people manage while reading every output (the project
        settings change the threshold).
      </p>
      {rows.length === 0 ? (
        <p data-testid="no-annotators" className="text-sm text-slate-500 dark:text-slate-400">
          Nobody has ranked anything in this project yet.
        </p>
      ) : (
        <table className="w-full text-left text-sm" data-testid="annotators-table">
          <thead className="text-slate-500 dark:text-slate-400">
            <tr>
              <th className="py-2">Annotator</th>
              <th className="text-right">Rankings</th>
              <th className="text-right">Today</th>
              <th className="text-right" title="Mean Kendall tau-b against each prompt's consensus order">Agreement</th>
              <th className="text-right" title="Mean Kendall tau-b against gold orders">Gold accuracy</th>
              <th className="text-right">Median time</th>
              <th className="pl-4">In consensus</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.annotatorId} data-testid={`annotator-row-${r.email}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-2">
                  {r.name} <span className="text-xs text-slate-500">{r.email}</span>
                </td>
                <td className="text-right tabular-nums" data-testid="annotator-volume">{r.volume}</td>
                <td className="text-right tabular-nums">{r.today}</td>
                <td className="text-right tabular-nums" data-testid="annotator-agreement">{fixed2(r.agreement)}</td>
                <td className="text-right tabular-nums">{r.goldTasks ? `${fixed2(r.goldAccuracy)} (${r.goldTasks})` : "—"}</td>
                <td className="text-right tabular-nums" data-testid="annotator-median-time">
                  {r.tooFast && (
                    <span data-testid="too-fast" title={`Median under ${threshold} s per ranking`} className="mr-2 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-300">
                      too fast
                    </span>
                  )}
                  {seconds(r.medianTimeMs)}
                </td>
                <td className="pl-4">
                  <ExcludeToggle projectSlug={project.slug} userId={r.annotatorId} excluded={r.excluded} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
