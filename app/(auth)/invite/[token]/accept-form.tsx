// Name and password for a new account from an invite.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import { acceptInvite } from "./actions";

export function AcceptInviteForm({ token }: { token: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  return (
    <form
      className="space-y-4"
      onSubmit={async (e) => {
        e.preventDefault();
        setPending(true);
        const form = new FormData(e.currentTarget);
        const res = await acceptInvite({ token, name: form.get("name"), password: form.get("password") });
        setPending(false);
        if (res.ok) return router.push("/login?invited=done");
        setError(res.error);
        setFieldErrors(res.fieldErrors ?? {});
      }}
    >
      <FormError message={error} />
      <Field label="Your name" name="name" autoComplete="name" required error={fieldErrors.name} />
      <Field label="Password (10 characters or more)" name="password" type="password" autoComplete="new-password" required error={fieldErrors.password} />
      <SubmitButton pending={pending}>Create account</SubmitButton>
    </form>
  );
}
