// Top navigation: the sections the signed-in person's role can open.
import Link from "next/link";
import { getSessionActor } from "@/lib/auth/session";
import { hasRole, type Role } from "@/lib/auth/roles";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

export const sections: Array<{ href: string; label: string; role: Role }> = [
  { href: "/annotate", label: "Annotate", role: "annotator" },
  { href: "/review", label: "Review", role: "reviewer" },
  { href: "/data", label: "Data", role: "reviewer" },
  { href: "/training", label: "Training", role: "reviewer" },
  { href: "/models", label: "Models", role: "reviewer" },
  { href: "/admin", label: "Admin", role: "admin" },
];

export async function Nav() {
  const actor = await getSessionActor().catch(() => null);
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <nav aria-label="Main" className="mx-auto flex max-w-6xl items-center gap-1 px-4 py-3">
        <Link href="/" className="mr-4 font-semibold tracking-tight text-indigo-600 dark:text-indigo-400">
          Tuneloop
        </Link>
        {actor &&
          sections
            .filter((s) => hasRole(actor, s.role))
            .map((s) => (
              <Link key={s.href} href={s.href} data-testid={`nav-${s.label.toLowerCase()}`} className="rounded px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800">
                {s.label}
              </Link>
            ))}
        <div className="ml-auto flex items-center gap-3 text-sm">
          <ThemeToggle />
          {actor && (
            <>
              <span data-testid="whoami" className="text-slate-500 dark:text-slate-400">
                {actor.name} · {actor.role}
              </span>
              <SignOutButton />
            </>
          )}
        </div>
      </nav>
    </header>
  );
}
