// Client pieces of the admin page: invite form, per-user role and status controls, API tokens.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, inputClass } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import { changeRole, createApiToken, inviteUser, revokeApiToken, setUserDisabled } from "./actions";

const roleOptions = ["annotator", "reviewer", "admin"] as const;

export function InviteForm() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [link, setLink] = useState<string | null>(null);
  return (
    <form
      className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-end"
      onSubmit={async (e) => {
        e.preventDefault();
        setPending(true);
        const form = new FormData(e.currentTarget);
        const res = await inviteUser({ email: form.get("email"), role: form.get("role") });
        setPending(false);
        if (res.ok) {
          setLink(`${window.location.origin}${res.data.path}`);
          setError(null);
          setFieldErrors({});
        } else {
          setError(res.error);
          setFieldErrors(res.fieldErrors ?? {});
        }
      }}
    >
      <Field label="Email" name="email" type="email" error={fieldErrors.email} />
      <Field label="Role" name="role" error={fieldErrors.role}>
        <select name="role" data-testid="field-role" className={inputClass} defaultValue="annotator">
          {roleOptions.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <SubmitButton pending={pending} testId="invite-submit">Create invite link</SubmitButton>
      <div className="sm:col-span-3">
        <FormError message={error} />
        {link && (
          <p className="text-sm">
            One-time link (shown once, valid 72 hours):{" "}
            <code data-testid="invite-link" className="break-all rounded bg-slate-100 px-1 dark:bg-slate-800">
              {link}
            </code>
          </p>
        )}
      </div>
    </form>
  );
}

export function UserRow({ user, self }: { user: { id: string; name: string; email: string; role: string; disabled: boolean }; self: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <tr className="border-t border-slate-100 dark:border-slate-800" data-testid={`user-row-${user.email}`}>
      <td className="py-2">{user.name}{self && " (you)"}</td>
      <td>{user.email}</td>
      <td>
        <select
          aria-label={`Role of ${user.email}`}
          data-testid="user-role"
          defaultValue={user.role}
          className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
          onChange={async (e) => {
            const res = await changeRole({ userId: user.id, role: e.target.value });
            setError(res.ok ? null : res.error);
            if (!res.ok) e.target.value = user.role;
            router.refresh();
          }}
        >
          {roleOptions.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        {error && <span role="alert" className="ml-2 text-red-600 dark:text-red-400">{error}</span>}
      </td>
      <td>
        <button
          type="button"
          data-testid="user-toggle-disabled"
          className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700"
          onClick={async () => {
            const res = await setUserDisabled({ userId: user.id, disabled: !user.disabled });
            setError(res.ok ? null : res.error);
            router.refresh();
          }}
        >
          {user.disabled ? "Disabled · enable" : "Active · disable"}
        </button>
      </td>
    </tr>
  );
}

export function TokenPanel({ tokens }: { tokens: Array<{ id: string; name: string; prefix: string; revoked: boolean; lastUsedAt: string | null }> }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  return (
    <div className="space-y-4">
      <form
        className="flex items-end gap-3"
        onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const res = await createApiToken({ name: form.get("tokenName") });
          if (res.ok) {
            setSecret(res.data.token);
            setFieldErrors({});
            router.refresh();
          } else setFieldErrors({ tokenName: res.fieldErrors?.name ?? [res.error] });
        }}
      >
        <div className="flex-1">
          <Field label="Token name" name="tokenName" error={fieldErrors.tokenName} />
        </div>
        <SubmitButton testId="token-create">Create token</SubmitButton>
      </form>
      {secret && (
        <p className="text-sm">
          Copy it now, it is not shown again: <code data-testid="token-secret" className="break-all rounded bg-slate-100 px-1 dark:bg-slate-800">{secret}</code>
        </p>
      )}
      <ul className="space-y-1 text-sm">
        {tokens.map((t) => (
          <li key={t.id} className="flex items-center gap-3">
            <span className="font-mono">{t.prefix}…</span> {t.name} {t.revoked ? "· revoked" : ""}
            {!t.revoked && (
              <button type="button" className="text-red-600 underline" onClick={async () => { await revokeApiToken({ id: t.id }); router.refresh(); }}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
