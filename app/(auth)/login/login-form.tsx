// Email + password sign-in through next-auth; shows its refusal (wrong password, locked) by the form.
"use client";
import { useState } from "react";
import { Field, FormError, SubmitButton, formText, asyncHandler } from "@/app/_components/form";
import { signIn } from "@/lib/auth/client";

/** `next`: where to go once signed in, already checked to be a path on this site. */
export function LoginForm({ next }: { next: string }) {
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
        if (!/^\S+@\S+\.\S+$/.test(email)) errs.email = ["Enter a valid email address"];
        if (!password) errs.password = ["Password is required"];
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
        setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Wrong email or password.");
      })}
    >
      <FormError message={error} />
      <Field label="Email" name="email" type="email" autoComplete="email" error={fieldErrors.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" error={fieldErrors.password} />
      <SubmitButton pending={pending}>Sign in</SubmitButton>
    </form>
  );
}
