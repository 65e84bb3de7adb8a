// Chat · Arena switch for the Playground (a link each, so the mode survives a reload).
import Link from "next/link";
import { useTranslations } from "next-intl";

export function ModeTabs({ projectSlug, mode }: { projectSlug: string; mode: "chat" | "arena" }) {
  const base = `/annotate/${projectSlug}/playground`;
  const t = useTranslations("playground");
  const tab = (m: "chat" | "arena", label: string, href: string) => (
    <Link
      href={href}
      data-testid={`mode-${m}`}
      aria-current={mode === m ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${mode === m ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-700 hover:bg-slate-200 dark:bg-slate-800 dark:text-slate-300"}`}
    >
      {label}
    </Link>
  );
  return (
    <div className="flex gap-2" role="group" aria-label={t("modeLabel")}>
      {tab("chat", t("chatMode"), base)}
      {tab("arena", t("arenaMode"), `${base}?mode=arena`)}

    </div>
  );
}
