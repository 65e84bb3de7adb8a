// The "Webhooks" panel: the project's webhook URLs, add one (its secret shown once), remove or enable it, the delivery log with redeliver.
"use client";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { Field, FormError, SubmitButton, asyncHandler, formText, useActionForm } from "@/app/_components/form";
import { WEBHOOK_EVENTS, WEBHOOK_EVENT_LABELS } from "@/lib/webhooks/events";
import type { DeliveryView, WebhookView } from "@/lib/webhooks/webhooks";
import { addWebhookAction, enableWebhookAction, redeliverAction, removeWebhookAction } from "./webhook-actions";

const buttonClass = "rounded-md border border-slate-300 px-2 py-1 text-xs dark:border-slate-700";

function AddWebhookForm({ projectSlug }: { projectSlug: string }) {
  const router = useRouter();
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
        <Field label="URL" name="url" error={fieldErrors.url} placeholder="https://example.com/hooks/tuneloop" required />
        <Field label="Description (optional)" name="description" error={fieldErrors.description} />
      </div>
      <fieldset className="text-sm">
        <legend className="mb-1 font-medium">Events</legend>
        <div className="grid gap-1 sm:grid-cols-2">
          {WEBHOOK_EVENTS.map((e) => (
            <label key={e} className="flex items-start gap-2" title={WEBHOOK_EVENT_LABELS[e]}>
              <input type="checkbox" name="events" value={e} defaultChecked data-testid={`webhook-event-${e}`} />
              <code>{e}</code>
            </label>
          ))}
        </div>
        {fieldErrors.events && <p className="mt-1 text-xs text-red-600">{fieldErrors.events.join("; ")}</p>}
      </fieldset>
      <FormError message={error} />
      <SubmitButton pending={pending} testId="add-webhook">
        Add webhook
      </SubmitButton>
      {secret && (
        <div role="status" data-testid="webhook-secret" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm dark:border-amber-700 dark:bg-amber-950">
          Signing secret (shown once; store it with the receiver): <code className="break-all">{secret}</code>
        </div>
      )}
    </form>
  );
}

function DeliveryRow({ projectSlug, delivery }: { projectSlug: string; delivery: DeliveryView }) {
  const router = useRouter();
  const [status, setStatus] = useState<string | null>(null);
  const last = delivery.log.at(-1);
  return (
    <tr data-testid={`delivery-${delivery.id}`} className="border-t border-slate-100 dark:border-slate-800">
      <td className="py-1 pr-2">
        <code>{delivery.event}</code>
      </td>
      <td className="py-1 pr-2" data-testid="delivery-status">
        {delivery.status}
      </td>
      <td className="py-1 pr-2 tabular-nums">{delivery.attempts}</td>
      <td className="py-1 pr-2">{last ? `${last.statusCode ?? "—"} in ${last.durationMs} ms${last.error ? `: ${last.error}` : ""}` : "—"}</td>
      <td className="py-1 pr-2 text-slate-500">{new Date(delivery.createdAt).toLocaleString("en-US")}</td>
      <td className="py-1 text-right">
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
          Redeliver
        </button>
        {status && <div className="text-xs text-red-600">{status}</div>}
      </td>
    </tr>
  );
}

function WebhookItem({ projectSlug, hook, deliveries }: { projectSlug: string; hook: WebhookView; deliveries: DeliveryView[] }) {
  const router = useRouter();
  const [status, setStatus] = useState<string | null>(null);
  const ref = { projectSlug, id: hook.id };
  const act = (fn: () => Promise<{ ok: boolean; error?: string }>) =>
    asyncHandler(async () => {
      const res = await fn();
      if (res.ok) router.refresh();
      else setStatus(res.error ?? "Failed");
    });
  return (
    <li className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800" data-testid={`webhook-${hook.id}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <code className="break-all">{hook.url}</code>
          {hook.description && <span className="ml-2 text-sm text-slate-500">{hook.description}</span>}
          <div className="text-xs text-slate-500">{hook.events.join(", ")}</div>
        </div>
        <div className="space-x-2 whitespace-nowrap">
          {!hook.enabled && (
            <button type="button" className={buttonClass} data-testid={`enable-webhook-${hook.id}`} onClick={act(() => enableWebhookAction(ref))}>
              Enable
            </button>
          )}
          <button
            type="button"
            className="rounded-md border border-red-300 px-2 py-1 text-xs text-red-700 dark:border-red-800 dark:text-red-400"
            data-testid={`remove-webhook-${hook.id}`}
            onClick={act(async () => (window.confirm(`Remove the webhook to ${hook.url}?`) ? removeWebhookAction(ref) : { ok: true }))}
          >
            Remove
          </button>
        </div>
      </div>
      {!hook.enabled && (
        <p role="alert" data-testid="webhook-disabled" className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-300">
          Disabled {hook.disabledAt ? new Date(hook.disabledAt).toLocaleString("en-US") : ""}: {hook.disabledReason}. Fix the receiver, then enable it and redeliver what it missed.
        </p>
      )}
      {status && <p className="text-xs text-red-600">{status}</p>}
      {deliveries.length ? (
        <table className="w-full text-xs">
          <thead className="text-left text-slate-500">
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last attempt</th>
              <th>Created</th>
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
        <p className="text-xs text-slate-500">No deliveries yet.</p>
      )}
    </li>
  );
}

export function WebhooksPanel({ projectSlug, webhooks }: { projectSlug: string; webhooks: Array<{ hook: WebhookView; deliveries: DeliveryView[] }> }) {
  return (
    <div className="space-y-4" data-testid="webhooks-panel">
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Tuneloop POSTs signed JSON to these URLs when the chosen events happen (header <code>Tuneloop-Signature: t=…,v1=…</code>; see the README), retrying failures with backoff.
      </p>
      {webhooks.length ? (
        <ul className="space-y-3">
          {webhooks.map((w) => (
            <WebhookItem key={w.hook.id} projectSlug={projectSlug} hook={w.hook} deliveries={w.deliveries} />
          ))}
        </ul>
      ) : (
        <p className="text-sm" data-testid="no-webhooks">
          No webhooks yet.
        </p>
      )}
      <AddWebhookForm projectSlug={projectSlug} />
    </div>
  );
}
