// The one-time invite link: set a name and password, or learn why the link no longer works.
import { getInviteState } from "@/lib/auth/accounts";
import { Card } from "@/app/_components/form";
import { AcceptInviteForm } from "./accept-form";

const messages = {
  unknown: "This invite link is not valid. Check that you copied all of it, or ask an admin for a new one.",
  expired: "This invite link has expired. Ask an admin for a new one.",
  used: "This invite link has already been used. Sign in instead.",
  revoked: "This invite link was withdrawn. Ask an admin for a new one.",
};

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await getInviteState(token);
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">Join Tuneloop</h1>
      {invite.state === "valid" ? (
        <Card>
          <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
            You were invited as <strong>{invite.role}</strong> with <strong>{invite.email}</strong>.
          </p>
          <AcceptInviteForm token={token} />
        </Card>
      ) : (
        <p data-testid="invite-invalid" role="alert" className="rounded-md bg-amber-50 p-3 text-amber-800 dark:bg-amber-950 dark:text-amber-200">
          {messages[invite.state]}
        </p>
      )}
    </div>
  );
}
