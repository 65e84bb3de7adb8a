// Name and password for a new account from an invite; the new account is signed in straight away.
"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Field, FormError, SubmitButton, formText, useActionForm, asyncHandler } from "@/app/_components/form";
import { signIn } from "@/lib/auth/client";
import { acceptInvite } from "./actions";

export function AcceptInviteForm({ token }: { token: string }) {
  // Between the account being made and the page changing: the form stays disabled (the link is already used).
  const [signingIn, setSigningIn] = useState(false);
  const t = useTranslations("invite");
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    async (form) => {
      const res = await acceptInvite({ token, name: form.get("name"), password: form.get("password") });
      return res.ok ? { ok: true as const, data: { email: res.data.email, password: formText(form, "password") } } : res;
    },
    asyncHandler(async ({ email, password }) => {
      setSigningIn(true);
      const res = await signIn("credentials", { email, password, redirect: false });
      // The account exists either way; if signing in failed (throttled), the sign-in page says so.
      window.location.assign(res?.ok && !res.error ? "/" : "/login?invited=done");
    }),
  );
  return (
    <form className="space-y-4" onSubmit={onSubmit}>
      <FormError message={error} />
      <Field label={t("name")} name="name" autoComplete="name" required error={fieldErrors.name} />
      <Field label={t("password")} name="password" type="password" autoComplete="new-password" required error={fieldErrors.password} />
      <SubmitButton pending={pending || signingIn}>{t("submit")}</SubmitButton>

    </form>
  );
}
