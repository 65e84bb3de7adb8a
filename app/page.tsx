// Home: first-run setup when there are no users, else the signed-in person's home for their role.
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { needsSetup } from "@/lib/auth/accounts";
import { getSessionActor } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { sections } from "./_components/nav";

export default async function HomePage() {
  if (await needsSetup()) redirect("/setup");
  const actor = await getSessionActor();
  if (!actor) redirect("/login");
  const mine = sections.filter((s) => hasRole(actor, s.role));
  const t = await getTranslations("home");
  const nav = await getTranslations("nav");
  return (
    <div className="space-y-6" data-testid={`home-${actor.role}`}>
      <h1 className="text-2xl font-semibold">{t("welcome", { name: actor.name })}</h1>
      <p className="text-slate-600 dark:text-slate-400">{t("signedInAs", { role: actor.role })}</p>
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {mine.map((s) => (
          <li key={s.href}>
            <Link href={s.href} className="block rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-indigo-400 dark:border-slate-800 dark:bg-slate-900">
              <span className="font-medium">{nav(`sections.${s.key}`)}</span>
              <span className="mt-1 block text-sm text-slate-600 dark:text-slate-400">{t(`blurbs.${s.key}`)}</span>

            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
