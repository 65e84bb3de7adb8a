// Sign-in page; afterwards it returns to the page that sent the person here (callbackUrl, same-origin paths only).
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { needsSetup } from "@/lib/auth/accounts";
import { safeCallbackPath } from "@/lib/auth/callback";
import { getSessionActor } from "@/lib/auth/session";
import { Card } from "@/app/_components/form";
import { LoginForm } from "./login-form";

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await needsSetup()) redirect("/setup");
  const sp = await searchParams;
  const next = safeCallbackPath(sp.callbackUrl);
  if (await getSessionActor()) redirect(next);
  const t = await getTranslations("login");
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {sp.setup === "done" && <p className="text-sm text-green-700 dark:text-green-400">{t("adminCreated")}</p>}
      {sp.invited === "done" && <p className="text-sm text-green-700 dark:text-green-400">{t("accountCreated")}</p>}

      <Card>
        <LoginForm next={next} />
      </Card>
    </div>
  );
}
