// Admin: people and roles, invites (copy, revoke), API tokens; links to projects and imports.
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { listAccounts } from "@/lib/auth/accounts";
import { requirePageRole } from "@/lib/auth/session";
import { listApiTokens } from "@/lib/auth/tokens";
import { Card } from "@/app/_components/form";
import { TokenPanel, UserRow } from "./admin-forms";
import { InviteForm, PendingInvites } from "./invite-forms";

export default async function AdminPage() {
  const actor = await requirePageRole("admin");
  const [{ users, invites }, tokens] = await Promise.all([listAccounts(actor), listApiTokens(actor)]);
  const t = await getTranslations("admin.home");
  const pending = invites.filter((i) => !i.acceptedAt && !i.revokedAt);
  return (
    <div className="space-y-6" data-testid="admin-page">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <div className="flex gap-4 text-sm">
          <Link href="/admin/projects" data-testid="admin-projects-link" className="text-indigo-600 underline dark:text-indigo-400">
            {t("projects")}
          </Link>
          <Link href="/admin/import" data-testid="admin-import-link" className="text-indigo-600 underline dark:text-indigo-400">
            {t("import")}
          </Link>
        </div>
      </div>
      <Card title={t("inviteCard")}>
        <InviteForm />
      </Card>
      <Card title={t("people")}>
        <table className="w-full text-start text-sm">
          <thead className="text-slate-500">
            <tr>
              <th className="py-2 text-start">{t("name")}</th>
              <th className="text-start">{t("email")}</th>
              <th className="text-start">{t("role")}</th>
              <th className="text-start">{t("status")}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <UserRow key={u.id} user={{ id: u.id, name: u.name, email: u.email, role: u.role, disabled: Boolean(u.disabledAt) }} self={u.id === actor.id} />
            ))}
          </tbody>
        </table>
      </Card>
      {pending.length > 0 && (
        <Card title={t("pendingInvites")}>
          <PendingInvites
            // A server component renders once per request: reading the clock here is what it is for.
            // eslint-disable-next-line react-hooks/purity
            invites={pending.map((i) => ({ id: i.id, email: i.email, role: i.role, expires: i.expiresAt.getTime() < Date.now() ? null : i.expiresAt.toISOString() }))}
          />
        </Card>
      )}
      <Card title={t("apiTokens")}>
        <TokenPanel tokens={tokens.map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, revoked: Boolean(t.revokedAt), lastUsedAt: t.lastUsedAt?.toISOString() ?? null }))} />
      </Card>
    </div>
  );
}
