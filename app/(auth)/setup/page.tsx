// First-run page: exists only while there are no users.
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { needsSetup } from "@/lib/auth/accounts";
import { Card } from "@/app/_components/form";
import { SetupForm } from "./setup-form";

export default async function SetupPage() {
  if (!(await needsSetup())) notFound();
  const t = await getTranslations("setup");
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-slate-600 dark:text-slate-400">{t("intro")}</p>

      <Card>
        <SetupForm />
      </Card>
    </div>
  );
}
