// Client pieces of the admin page: per-user role (confirmed before it changes) and status controls, API tokens.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { CopyButton } from "@/app/_components/copy-button";
import { Field, SubmitButton, asyncHandler } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import { changeRole, createApiToken, revokeApiToken, setUserDisabled } from "./actions";
import { roleOptions } from "./invite-forms";

export function UserRow({ user, self }: { user: { id: string; name: string; email: string; role: string; disabled: boolean }; self: boolean }) {
  const router = useRouter();
  const t = useTranslations("admin.users");
  const roleName = useTranslations("nav.roles");
  const [error, setError] = useState<string | null>(null);
  // A role picked in the menu waits here until the admin confirms it.
  const [proposed, setProposed] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const confirm = async () => {
    if (!proposed) return;
    setPending(true);
    const res = await changeRole({ userId: user.id, role: proposed });
    setPending(false);
    setError(res.ok ? null : res.error);
    setProposed(null);
    router.refresh();
  };
  return (
    <tr className="border-t border-slate-100 align-top dark:border-slate-800" data-testid={`user-row-${user.email}`}>
      <td className="py-2">
        {self ? t("self", { name: user.name }) : user.name}
      </td>
      <td className="py-2">{user.email}</td>
      <td className="py-2">
        <select
          aria-label={t("roleOf", { email: user.email })}
          data-testid="user-role"
          value={proposed ?? user.role}
          disabled={pending}
          className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-900"
          onChange={(e) => setProposed(e.target.value === user.role ? null : e.target.value)}
        >
          {roleOptions.map((r) => (
            <option key={r} value={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
        {proposed && (
          <div role="alertdialog" aria-label={t("confirmLabel")} data-testid="role-confirm" className="mt-2 space-y-2 rounded border border-amber-300 bg-amber-50 p-2 text-xs dark:border-amber-800 dark:bg-amber-950">
            <p>
              {t("confirm", { name: user.name, to: proposed, from: user.role })}
            </p>
            <div className="flex gap-2">
              <button type="button" data-testid="role-confirm-yes" disabled={pending} onClick={asyncHandler(confirm)} className="rounded bg-amber-600 px-2 py-1 font-medium text-white disabled:opacity-50">
                {t("change")}
              </button>
              <button type="button" data-testid="role-confirm-no" disabled={pending} onClick={() => setProposed(null)} className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700">
                {t("cancel")}
              </button>
            </div>
          </div>
        )}
        {error && (
          <span role="alert" data-testid="user-error" className="ms-2 text-red-600 dark:text-red-400">
            {error}
          </span>
        )}
      </td>
      <td className="py-2">
        <button
          type="button"
          data-testid="user-toggle-disabled"
          className="rounded border border-slate-300 px-2 py-1 dark:border-slate-700"
          onClick={asyncHandler(async () => {
            const res = await setUserDisabled({ userId: user.id, disabled: !user.disabled });
            setError(res.ok ? null : res.error);
            router.refresh();
          })}
        >
          {user.disabled ? t("disabled") : t("active")}
        </button>
      </td>
    </tr>
  );
}

export function TokenPanel({ tokens }: { tokens: Array<{ id: string; name: string; prefix: string; revoked: boolean; lastUsedAt: string | null }> }) {
  const router = useRouter();
  const t = useTranslations("admin.tokens");
  const [secret, setSecret] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  return (
    <div className="space-y-4">
      <form
        className="flex items-end gap-3"
        onSubmit={asyncHandler(async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const res = await createApiToken({ name: form.get("tokenName") });
          if (res.ok) {
            setSecret(res.data.token);
            setFieldErrors({});
            router.refresh();
          } else setFieldErrors({ tokenName: res.fieldErrors?.name ?? [res.error] });
        })}
      >
        <div className="flex-1">
          <Field label={t("name")} name="tokenName" error={fieldErrors.tokenName} />
        </div>
        <SubmitButton testId="token-create">{t("create")}</SubmitButton>
      </form>
      {secret && (
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span>{t("copyNow")}</span>
          <code data-testid="token-secret" className="break-all rounded bg-slate-100 px-1 dark:bg-slate-800">
            {secret}
          </code>
          <CopyButton value={secret} label={t("copy")} testId="token-copy" />
        </p>
      )}
      <ul className="space-y-1 text-sm">
        {tokens.map((token) => (
          <li key={token.id} className="flex items-center gap-3">
            <span className="font-mono">{token.prefix}…</span> {token.name} {token.revoked ? t("revoked") : ""}
            {!token.revoked && (
              <button
                type="button"
                className="text-red-600 underline"
                onClick={asyncHandler(async () => {
                  await revokeApiToken({ id: token.id });
                  router.refresh();
                })}
              >
                {t("revoke")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
