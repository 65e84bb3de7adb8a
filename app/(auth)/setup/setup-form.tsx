// The first-admin form.
"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { Field, FormError, SubmitButton, useActionForm } from "@/app/_components/form";
import { setupAdmin } from "./actions";

export function SetupForm() {
  const router = useRouter();
  const t = useTranslations("setup");
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => setupAdmin(Object.fromEntries(form)),
    () => router.push("/login?setup=done"),
  );
  return (
    <form className="space-y-4" onSubmit={onSubmit}>
      <FormError message={error} />
      <Field label={t("email")} name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
      <Field label={t("name")} name="name" autoComplete="name" required error={fieldErrors.name} />
      <Field label={t("password")} name="password" type="password" autoComplete="new-password" required error={fieldErrors.password} />
      <SubmitButton pending={pending}>{t("submit")}</SubmitButton>

    </form>
  );
}
