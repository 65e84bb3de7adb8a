// Admin: people and roles, invites (copy, revoke), API tokens; links to projects and imports.
import Link from "next/link";
import { listAccounts } from "@/lib/auth/accounts";
import { requirePageRole } from "@/lib/auth/session";
import { listApiTokens } from "@/lib/auth/tokens";
import { Card } from "@/app/_components/form";
import { TokenPanel, UserRow } from "./admin-forms";
import { InviteForm, PendingInvites } from "./invite-forms";

export default async function AdminPage() {
  const actor = await requirePageRole("admin");
  const [{ users, invites }, tokens] = await Promise.all([listAccounts(actor), listApiTokens(actor)]);
  const pending = invites.filter((i) => !i.acceptedAt && !i.revokedAt);
  return (
    <div className="space-y-6" data-testid="admin-page">
      <div className="flex items-baseline justify-between">
        <h1 className="text-2xl font-semibold">Admin</h1>
        <div className="space-x-4 text-sm">
          <Link href="/admin/projects" data-testid="admin-projects-link" className="text-indigo-600 underline dark:text-indigo-400">
            Projects
          </Link>
          <Link href="/admin/import" data-testid="admin-import-link" className="text-indigo-600 underline dark:text-indigo-400">
            Import
          </Link>
        </div>
      </div>
      <Card title="Invite someone">
        <InviteForm />
      </Card>
      <Card title="People">
        <table className="w-full text-left text-sm">
          <thead className="text-slate-500">
            <tr>
              <th className="py-2">Name</th>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
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
        <Card title="Pending invites">
          <PendingInvites
            // A server component renders once per request: reading the clock here is what it is for.
            // eslint-disable-next-line react-hooks/purity
            invites={pending.map((i) => ({ id: i.id, email: i.email, role: i.role, expires: i.expiresAt.getTime() < Date.now() ? null : i.expiresAt.toISOString().slice(0, 16).replace("T", " ") }))}
          />
        </Card>
      )}
      <Card title="API tokens">
        <TokenPanel tokens={tokens.map((t) => ({ id: t.id, name: t.name, prefix: t.prefix, revoked: Boolean(t.revokedAt), lastUsedAt: t.lastUsedAt?.toISOString() ?? null }))} />
      </Card>
    </div>
  );
}
