// Email + password sign-in through next-auth; shows its refusal (wrong password, locked) by the form.
"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Field, FormError, SubmitButton, formText, asyncHandler } from "@/app/_components/form";
import { signIn } from "@/lib/auth/client";

/** `next`: where to go once signed in, already checked to be a path on this site. */
export function LoginForm({ next }: { next: string }) {
  const t = useTranslations("login");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  return (
    <form
      className="space-y-4"
      data-testid="login-form"
      data-next={next}
      onSubmit={asyncHandler(async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const email = formText(form, "email").trim();
        const password = formText(form, "password");
        const errs: Record<string, string[]> = {};
        if (!/^\S+@\S+\.\S+$/.test(email)) errs.email = [t("emailInvalid")];
        if (!password) errs.password = [t("passwordRequired")];
        setFieldErrors(errs);
        if (Object.keys(errs).length) return;
        setPending(true);
        setError(null);
        const res = await signIn("credentials", { email, password, redirect: false });
        if (res?.ok && !res.error) {
          window.location.assign(next);
          return;
        }
        setPending(false);
        setError(res?.error && res.error !== "CredentialsSignin" ? res.error : t("wrong"));
      })}
    >
      <FormError message={error} />
      <Field label={t("email")} name="email" type="email" autoComplete="email" error={fieldErrors.email} />
      <Field label={t("password")} name="password" type="password" autoComplete="current-password" error={fieldErrors.password} />
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>

    </form>
  );
}
