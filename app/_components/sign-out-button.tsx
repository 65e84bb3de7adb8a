// Signs out and returns to the sign-in page.
"use client";
import { useTranslations } from "next-intl";
import { signOut } from "@/lib/auth/client";

export function SignOutButton() {
  const t = useTranslations("nav");
  return (
    <button type="button" data-testid="sign-out" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800" onClick={() => void signOut({ callbackUrl: "/login" })}>
      {t("signOut")}

    </button>
  );
}
