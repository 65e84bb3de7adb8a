// Sign-in page; afterwards it returns to the page that sent the person here (callbackUrl, same-origin paths only).
import { redirect } from "next/navigation";
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
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">Sign in</h1>
      {sp.setup === "done" && <p className="text-sm text-green-700 dark:text-green-400">Admin created. Sign in with it.</p>}
      {sp.invited === "done" && <p className="text-sm text-green-700 dark:text-green-400">Account created. Sign in with it.</p>}
      <Card>
        <LoginForm next={next} />
      </Card>
    </div>
  );
}
