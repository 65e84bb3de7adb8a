// The "Webhooks" panel: the project's webhook URLs, add one (its secret shown once), remove or enable it, the delivery log with redeliver.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { Field, FormError, SubmitButton, asyncHandler, formText, useActionForm } from "@/app/_components/form";
import { WEBHOOK_EVENTS, type WebhookEvent } from "@/lib/webhooks/events";
import type { DeliveryView, WebhookView } from "@/lib/webhooks/webhooks";
import { addWebhookAction, enableWebhookAction, redeliverAction, removeWebhookAction } from "./webhook-actions";

const buttonClass = "rounded-md border border-slate-300 px-2 py-1 text-xs dark:border-slate-700";
/** The catalog key of an event's description (keys cannot hold a dot): "ranking.submitted" → "ranking_submitted". */
const eventKey = (e: WebhookEvent) => e.replace(".", "_") as "ranking_submitted";
const when = (format: ReturnType<typeof useFormatter>, iso: string) => format.dateTime(new Date(iso), { dateStyle: "medium", timeStyle: "medium" });

function AddWebhookForm({ projectSlug }: { projectSlug: string }) {
  const router = useRouter();
  const t = useTranslations("admin.webhooks");
  const [secret, setSecret] = useState<string | null>(null);
  const { pending, error, fieldErrors, onSubmit } = useActionForm(
    (form) => {
      setSecret(null);
      return addWebhookAction({ projectSlug, url: formText(form, "url"), events: form.getAll("events").map(String), description: formText(form, "description") });
    },
    (hook) => {
      setSecret(hook.secret);
      router.refresh();
    },
  );
  return (
    <form className="space-y-3" data-testid="add-webhook-form" onSubmit={onSubmit} autoComplete="off">
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label={t("url")} name="url" error={fieldErrors.url} placeholder="https://example.com/hooks/tuneloop" required />
        <Field label={t("description")} name="description" error={fieldErrors.description} />
      </div>
      <fieldset className="text-sm">
        <legend className="mb-1 font-medium">{t("events")}</legend>
        <div className="grid gap-1 sm:grid-cols-2">
          {WEBHOOK_EVENTS.map((e) => (
            <label key={e} className="flex items-start gap-2" title={t(`eventLabels.${eventKey(e)}`)}>
              <input type="checkbox" name="events" value={e} defaultChecked data-testid={`webhook-event-${e}`} />
              <code>{e}</code>
            </label>
          ))}
        </div>
        {fieldErrors.events && <p className="mt-1 text-xs text-red-600">{fieldErrors.events.join("; ")}</p>}
      </fieldset>
      <FormError message={error} />
      <SubmitButton pending={pending} testId="add-webhook">
        {t("add")}
      </SubmitButton>
      {secret && (
        <div role="status" data-testid="webhook-secret" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm dark:border-amber-700 dark:bg-amber-950">
          {t("secret")} <code className="break-all">{secret}</code>
        </div>
      )}
    </form>
  );
}

function DeliveryRow({ projectSlug, delivery }: { projectSlug: string; delivery: DeliveryView }) {
  const router = useRouter();
  const t = useTranslations("admin.webhooks");
  const format = useFormatter();
  const [status, setStatus] = useState<string | null>(null);
  const last = delivery.log.at(-1);
  return (
    <tr data-testid={`delivery-${delivery.id}`} className="border-t border-slate-100 dark:border-slate-800">
      <td className="py-1 pe-2">
        <code>{delivery.event}</code>
      </td>
      <td className="py-1 pe-2" data-testid="delivery-status">
        {t(`statuses.${delivery.status}`)}
      </td>
      <td className="py-1 pe-2 tabular-nums">{format.number(delivery.attempts)}</td>
      <td className="py-1 pe-2">{last ? `${t("last", { code: last.statusCode === null || last.statusCode === undefined ? "—" : String(last.statusCode), ms: last.durationMs })}${last.error ? `: ${last.error}` : ""}` : "—"}</td>
      <td className="py-1 pe-2 text-slate-500">{when(format, delivery.createdAt)}</td>
      <td className="py-1 text-end">
        <button
          type="button"
          className={buttonClass}
          data-testid={`redeliver-${delivery.id}`}
          onClick={asyncHandler(async () => {
            const res = await redeliverAction({ projectSlug, deliveryId: delivery.id });
            if (res.ok) router.refresh();
            else setStatus(res.error);
          })}
        >
          {t("redeliver")}
        </button>
        {status && <div className="text-xs text-red-600">{status}</div>}
      </td>
    </tr>
  );
}

function WebhookItem({ projectSlug, hook, deliveries }: { projectSlug: string; hook: WebhookView; deliveries: DeliveryView[] }) {
  const router = useRouter();
  const t = useTranslations("admin.webhooks");
  const format = useFormatter();
  const [status, setStatus] = useState<string | null>(null);
  const ref = { projectSlug, id: hook.id };
  const act = (fn: () => Promise<{ ok: boolean; error?: string }>) =>
    asyncHandler(async () => {
      const res = await fn();
      if (res.ok) router.refresh();
      else setStatus(res.error ?? t("failed"));
    });
  return (
    <li className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800" data-testid={`webhook-${hook.id}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <code className="break-all">{hook.url}</code>
          {hook.description && <span className="ms-2 text-sm text-slate-500">{hook.description}</span>}
          <div className="text-xs text-slate-500">{hook.events.join(", ")}</div>
        </div>
        <div className="space-x-2 whitespace-nowrap rtl:space-x-reverse">
          {!hook.enabled && (
            <button type="button" className={buttonClass} data-testid={`enable-webhook-${hook.id}`} onClick={act(() => enableWebhookAction(ref))}>
              {t("enable")}
            </button>
          )}
          <button
            type="button"
            className="rounded-md border border-red-300 px-2 py-1 text-xs text-red-700 dark:border-red-800 dark:text-red-400"
            data-testid={`remove-webhook-${hook.id}`}
            onClick={act(async () => (window.confirm(t("removeConfirm", { url: hook.url })) ? removeWebhookAction(ref) : { ok: true }))}
          >
            {t("remove")}
          </button>
        </div>
      </div>
      {!hook.enabled && (
        <p role="alert" data-testid="webhook-disabled" className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-300">
          {t("disabled", { at: hook.disabledAt ? when(format, hook.disabledAt) : "", reason: hook.disabledReason ?? "" })}
        </p>
      )}
      {status && <p className="text-xs text-red-600">{status}</p>}
      {deliveries.length ? (
        <table className="w-full text-xs">
          <thead className="text-start text-slate-500">
            <tr>
              <th className="text-start">{t("event")}</th>
              <th className="text-start">{t("status")}</th>
              <th className="text-start">{t("attempts")}</th>
              <th className="text-start">{t("lastAttempt")}</th>
              <th className="text-start">{t("created")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <DeliveryRow key={d.id} projectSlug={projectSlug} delivery={d} />
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-xs text-slate-500">{t("noDeliveries")}</p>
      )}
    </li>
  );
}

export function WebhooksPanel({ projectSlug, webhooks }: { projectSlug: string; webhooks: Array<{ hook: WebhookView; deliveries: DeliveryView[] }> }) {
  const t = useTranslations("admin.webhooks");
  return (
    <div className="space-y-4" data-testid="webhooks-panel">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {t.rich("intro", { code: (chunks) => <code>{chunks}</code> })}
      </p>
      {webhooks.length ? (
        <ul className="space-y-3">
          {webhooks.map((w) => (
            <WebhookItem key={w.hook.id} projectSlug={projectSlug} hook={w.hook} deliveries={w.deliveries} />
          ))}
        </ul>
      ) : (
        <p className="text-sm" data-testid="no-webhooks">
          {t("none")}
        </p>
      )}
      <AddWebhookForm projectSlug={projectSlug} />
    </div>
  );
}
