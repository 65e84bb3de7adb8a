// Name and password for a new account from an invite.
"use client";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, useActionForm } from "@/app/_components/form";
import { acceptInvite } from "./actions";

export function AcceptInviteForm({ token }: { token: string }) {
  const router = useRouter();
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => acceptInvite({ token, name: form.get("name"), password: form.get("password") }),
    () => router.push("/login?invited=done"),
  );
  return (
    <form className="space-y-4" onSubmit={onSubmit}>
      <FormError message={error} />
      <Field label="Your name" name="name" autoComplete="name" required error={fieldErrors.name} />
      <Field label="Password (10 characters or more)" name="password" type="password" autoComplete="new-password" required error={fieldErrors.password} />
      <SubmitButton pending={pending}>Create account</SubmitButton>
    </form>
  );
}
