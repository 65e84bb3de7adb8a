// Client pieces of the admin page for invites: the invite form with its one-time link and copy button, and revoking.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { CopyButton } from "@/app/_components/copy-button";
import { Field, FormError, SubmitButton, inputClass, useActionForm, asyncHandler } from "@/app/_components/form";
import { inviteUser, revokeInvite } from "./actions";

export const roleOptions = ["annotator", "reviewer", "admin"] as const;

export function InviteForm() {
  const router = useRouter();
  const t = useTranslations("admin.invites");
  const roleName = useTranslations("nav.roles");
  const [made, setMade] = useState<{ link: string; replaced: number } | null>(null);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => inviteUser({ email: form.get("email"), role: form.get("role") }),
    (data) => {
      setMade({ link: `${window.location.origin}${data.path}`, replaced: data.replaced });
      router.refresh();
    },
  );
  return (
    <form className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-end" onSubmit={onSubmit} data-testid="invite-form">
      <Field label={t("email")} name="email" type="email" error={fieldErrors.email} />
      <Field label={t("role")} name="role" error={fieldErrors.role}>
        <select name="role" data-testid="field-role" className={inputClass} defaultValue="annotator">
          {roleOptions.map((r) => (
            <option key={r} value={r}>
              {roleName(r)}
            </option>
          ))}
        </select>
      </Field>
      <SubmitButton pending={pending} testId="invite-submit">
        {t("submit")}
      </SubmitButton>
      <div className="sm:col-span-3">
        <FormError message={error} />
        {made && (
          <div className="space-y-1 text-sm">
            <p className="flex flex-wrap items-center gap-2">
              <span>{t("link", { hours: 72 })}</span>
              <code data-testid="invite-link" className="break-all rounded bg-slate-100 px-1 dark:bg-slate-800">
                {made.link}
              </code>
              <CopyButton value={made.link} label={t("copy")} testId="invite-copy" />
            </p>
            {made.replaced > 0 && (
              <p data-testid="invite-replaced" className="text-slate-600 dark:text-slate-400">
                {t("replaced")}
              </p>
            )}
          </div>
        )}
      </div>
    </form>
  );
}

export type PendingInvite = { id: string; email: string; role: string; expires: string | null };

/** Open invites; `expires` (ISO) is null for one past its time. */
export function PendingInvites({ invites }: { invites: PendingInvite[] }) {
  const router = useRouter();
  const t = useTranslations("admin.invites");
  const roleName = useTranslations("nav.roles");
  const format = useFormatter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <FormError message={error} />
      <ul className="space-y-1 text-sm">
        {invites.map((i) => (
          <li key={i.id} data-testid="pending-invite" data-email={i.email} className="flex flex-wrap items-center gap-3">
            <span>
              {i.email} · {roleOptions.includes(i.role as (typeof roleOptions)[number]) ? roleName(i.role as (typeof roleOptions)[number]) : i.role} · {i.expires ? t("expires", { time: format.dateTime(new Date(i.expires), { dateStyle: "medium", timeStyle: "short" }) }) : t("expired")}
            </span>
            <button
              type="button"
              data-testid="invite-revoke"
              disabled={busy === i.id}
              className="text-red-600 underline disabled:opacity-50 dark:text-red-400"
              onClick={asyncHandler(async () => {
                setBusy(i.id);
                const res = await revokeInvite({ inviteId: i.id });
                setBusy(null);
                setError(res.ok ? null : res.error);
                router.refresh();
              })}
            >
              {t("revoke")}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
