// Top navigation: the sections the signed-in person's role can open.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { getSessionActor } from "@/lib/auth/session";
import { hasRole, type Role } from "@/lib/auth/roles";
import { LanguageSelect } from "./language/language-select";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

export type SectionKey = "annotate" | "review" | "data" | "training" | "models" | "admin";

/** `label` is the English name (test ids derive from it); the shown name is the catalog's nav.sections.<key>. */
export const sections: Array<{ href: string; key: SectionKey; label: string; role: Role }> = [
  { href: "/annotate", key: "annotate", label: "Annotate", role: "annotator" },
  { href: "/review", key: "review", label: "Review", role: "reviewer" },
  { href: "/data", key: "data", label: "Data", role: "reviewer" },
  { href: "/training", key: "training", label: "Training", role: "reviewer" },
  { href: "/models", key: "models", label: "Models", role: "reviewer" },
  { href: "/admin", key: "admin", label: "Admin", role: "admin" },
];

export async function Nav() {
  const actor = await getSessionActor().catch(() => null);
  const t = await getTranslations("nav");
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <nav aria-label={t("main")} className="mx-auto flex max-w-6xl items-center gap-1 px-4 py-3">
        <Link href="/" className="me-4 font-semibold tracking-tight text-indigo-600 dark:text-indigo-400">
          Tuneloop
        </Link>
        {actor &&
          sections
            .filter((s) => hasRole(actor, s.role))
            .map((s) => (
              <Link key={s.href} href={s.href} data-testid={`nav-${s.label.toLowerCase()}`} className="rounded px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
                {t(`sections.${s.key}`)}
              </Link>
            ))}
        <div className="ms-auto flex items-center gap-3 text-sm">
          <ThemeToggle />
          {actor && (
            <>
              <LanguageSelect />
              <span data-testid="whoami" className="text-slate-500 dark:text-slate-400">
                {actor.name} · {t(`roles.${actor.role}`)}
              </span>

              <SignOutButton />
            </>
          )}
        </div>
      </nav>
    </header>
  );
}
