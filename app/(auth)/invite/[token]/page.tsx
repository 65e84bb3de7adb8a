// The one-time invite link: set a name and password, or learn why the link no longer works.
import { getTranslations } from "next-intl/server";
import { getInviteState } from "@/lib/auth/accounts";
import type { Role } from "@/lib/auth/roles";

import { Card } from "@/app/_components/form";
import { AcceptInviteForm } from "./accept-form";


export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await getInviteState(token);
  const t = await getTranslations("invite");
  const nav = await getTranslations("nav");
  return (
    <div className="mx-auto max-w-md space-y-4">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {invite.state === "valid" ? (
        <Card>
          <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">
            {t.rich("invitedAs", { role: nav(`roles.${invite.role as Role}`), email: invite.email, b: (chunks) => <strong>{chunks}</strong> })}
          </p>
          <AcceptInviteForm token={token} />
        </Card>
      ) : (
        <p data-testid="invite-invalid" role="alert" className="rounded-md bg-amber-50 p-3 text-amber-800 dark:bg-amber-950 dark:text-amber-200">
          {t(invite.state)}

        </p>
      )}
    </div>
  );
}
