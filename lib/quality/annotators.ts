// Each annotator's numbers: volume, agreement with consensus, gold accuracy, median time per task and the too-fast flag.
import "server-only";
import { getDb } from "@/db/client";
import { getProjectBySlug } from "@/db/queries/projects";
import { listAnnotatorRankingRows } from "@/db/queries/reviews";
import { assertRole, hasRole, type Actor } from "@/lib/auth/roles";
import { kendallTauB } from "@/lib/consensus/consensus";
import { AppError } from "@/lib/errors";
import { defaultProjectSettings } from "@/lib/validation/projects";

export type AnnotatorQuality = {
  annotatorId: string;
  name: string;
  email: string;
  volume: number;
  today: number;
  /** mean Kendall tau-b against the prompt's consensus order, over prompts with 2+ rankings */
  agreement: number | null;
  /** mean Kendall tau-b against gold orders */
  goldAccuracy: number | null;
  goldTasks: number;
  medianTimeMs: number | null;
  /** median time per ranking under the project's too-fast threshold (lazy or scripted rankings); false without timings */
  tooFast: boolean;
  excluded: boolean;
};

/** The median seconds per ranking under which a project flags an annotator. */
export function tooFastSecondsOf(settings: { tooFastSeconds?: number }): number {
  return settings.tooFastSeconds ?? defaultProjectSettings.tooFastSeconds!;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summarize(rows: Awaited<ReturnType<typeof listAnnotatorRankingRows>>, tooFastSeconds: number): AnnotatorQuality[] {
  const startOfDay = new Date();
  startOfDay.setUTCHours(0, 0, 0, 0);
  const by = new Map<string, typeof rows>();
  for (const r of rows) by.set(r.annotatorId, [...(by.get(r.annotatorId) ?? []), r]);
  return [...by.values()].map((rs) => {
    const taus = rs
      .filter((r) => !r.isGold && r.consensus && r.rankingCount >= 2)
      .map((r) => kendallTauB(r.order, r.consensus!.order.map((id) => [id])))
      .filter((t): t is number => t !== null);
    const gold = rs.filter((r) => r.goldScore !== null).map((r) => r.goldScore!);
    const medianTimeMs = median(rs.map((r) => r.timeSpentMs).filter((t): t is number => t !== null));
    return {
      annotatorId: rs[0].annotatorId,
      name: rs[0].name,
      email: rs[0].email,
      volume: rs.length,
      today: rs.filter((r) => new Date(r.createdAt) >= startOfDay).length,
      agreement: mean(taus),
      goldAccuracy: mean(gold),
      goldTasks: gold.length,
      medianTimeMs,
      tooFast: medianTimeMs !== null && medianTimeMs < tooFastSeconds * 1000,
      excluded: rs[0].excluded,
    };
  });
}

export async function listAnnotatorQuality(actor: Actor, projectSlug: string): Promise<AnnotatorQuality[]> {
  assertRole(actor, "reviewer");
  const db = getDb();
  const project = await getProjectBySlug(db, projectSlug);
  if (!project) throw new AppError("not_found:project", `No project "${projectSlug}".`);
  return summarize(await listAnnotatorRankingRows(db, project.id), tooFastSecondsOf(project.settings)).sort((a, b) => b.volume - a.volume);
}

/** The signed-in annotator's own figures (anyone may see their own, nobody else's unless reviewer). */
export async function getAnnotatorQuality(actor: Actor, projectSlug: string, annotatorId = actor.id): Promise<AnnotatorQuality | null> {
  assertRole(actor, "annotator");
  if (annotatorId !== actor.id && !hasRole(actor, "reviewer")) throw new AppError("forbidden:quality", "You can only see your own figures.");
  const db = getDb();
  const project = await getProjectBySlug(db, projectSlug);
  if (!project) throw new AppError("not_found:project", `No project "${projectSlug}".`);
  return summarize(await listAnnotatorRankingRows(db, project.id, annotatorId), tooFastSecondsOf(project.settings))[0] ?? null;
}
