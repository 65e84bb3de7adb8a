// `tuneloop webhook add|list|remove|enable|deliveries|redeliver`: a project's webhooks and their delivery log from the shell (acting as the operator).
import { z } from "zod";
import { getConnection } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { describeFieldErrors, zodFieldErrors } from "@/lib/errors";
import { systemActor } from "@/lib/projects/system-actor";
import { addWebhookInput, listDeliveriesInput, redeliverInput, webhookRefInput } from "@/lib/validation/webhooks";
import { WEBHOOK_EVENTS } from "@/lib/webhooks/events";
import { addWebhook, enableWebhook, listDeliveries, listWebhooks, redeliver, removeWebhook, type DeliveryView, type WebhookView } from "@/lib/webhooks/webhooks";
import { parseFlags, UsageError } from "../args";

const USAGE =
  `expected: webhook add --project S --url URL [--events ${WEBHOOK_EVENTS[0]},… | *] [--description D] [--json] | webhook list --project S [--json] ` +
  "| webhook remove|enable --project S --id ID | webhook deliveries --project S --id ID [--limit N] [--json] | webhook redeliver --project S --delivery ID";

/** Input fields by the flag a person typed, so an error names the flag. */
const flagOf: Record<string, string> = { projectSlug: "project", deliveryId: "delivery" };

function parseAs<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = Object.fromEntries(Object.entries(zodFieldErrors(r.error)).map(([k, v]) => [`--${flagOf[k.split(".")[0]] ?? k.split(".")[0]}`, v]));
  throw new UsageError(describeFieldErrors(errors));
}

const str = z.string().optional();
const json = z.boolean().optional();

function describe(h: WebhookView): string {
  const state = h.enabled ? "enabled" : `DISABLED (${h.disabledReason ?? "by hand"})`;
  return `${h.id}  ${h.url}  ${state}  events: ${h.events.join(",")}${h.description ? `  — ${h.description}` : ""}`;
}

function describeDelivery(d: DeliveryView): string {
  const last = d.log.at(-1);
  const lastText = last ? `last: ${last.statusCode ?? "no response"} in ${last.durationMs} ms${last.error ? ` (${last.error})` : ""}` : "not tried yet";
  return `${d.id}  ${d.event}  ${d.status}  attempts=${d.attempts}  ${lastText}  ${d.createdAt}${d.redeliveryOf ? `  redelivery of ${d.redeliveryOf}` : ""}`;
}

export async function webhookCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "add") {
    const { values: v } = parseFlags(
      rest,
      { project: { type: "string" }, url: { type: "string" }, events: { type: "string" }, description: { type: "string" }, json: { type: "boolean" } },
      z.object({ project: str, url: str, events: str, description: str, json }).strict(),
    );
    const input = parseAs(addWebhookInput, { projectSlug: v.project, url: v.url, events: v.events ?? "*", description: v.description });
    await migrateDatabase(getConnection());
    const h = await addWebhook(systemActor, input);
    if (v.json) console.log(JSON.stringify(h));
    else console.log(`Added webhook ${describe(h)}\nSigning secret (shown once; give it to the receiver): ${h.secret}`);
    return 0;
  }
  if (sub === "list") {
    const { values: v } = parseFlags(rest, { project: { type: "string" }, json: { type: "boolean" } }, z.object({ project: str, json }).strict());
    const { projectSlug } = parseAs(webhookRefInput.pick({ projectSlug: true }), { projectSlug: v.project });
    await migrateDatabase(getConnection());
    const list = await listWebhooks(systemActor, projectSlug);
    if (v.json) console.log(JSON.stringify(list));
    else if (!list.length) console.log(`No webhooks in ${projectSlug}.`);
    else for (const h of list) console.log(describe(h));
    return 0;
  }
  if (sub === "remove" || sub === "enable") {
    const { values: v } = parseFlags(rest, { project: { type: "string" }, id: { type: "string" } }, z.object({ project: str, id: str }).strict());
    const ref = parseAs(webhookRefInput, { projectSlug: v.project, id: v.id });
    await migrateDatabase(getConnection());
    if (sub === "remove") {
      await removeWebhook(systemActor, ref);
      console.log(`Removed webhook ${ref.id}; its deliveries not yet sent are given up.`);
    } else {
      console.log(`Enabled ${describe(await enableWebhook(systemActor, ref))}`);
    }
    return 0;
  }
  if (sub === "deliveries") {
    const { values: v } = parseFlags(rest, { project: { type: "string" }, id: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } }, z.object({ project: str, id: str, limit: str, json }).strict());
    const input = parseAs(listDeliveriesInput, { projectSlug: v.project, id: v.id, limit: v.limit });
    await migrateDatabase(getConnection());
    const list = await listDeliveries(systemActor, input);
    if (v.json) console.log(JSON.stringify(list));
    else if (!list.length) console.log("No deliveries yet.");
    else for (const d of list) console.log(describeDelivery(d));
    return 0;
  }
  if (sub === "redeliver") {
    const { values: v } = parseFlags(rest, { project: { type: "string" }, delivery: { type: "string" }, json: { type: "boolean" } }, z.object({ project: str, delivery: str, json }).strict());
    const input = parseAs(redeliverInput, { projectSlug: v.project, deliveryId: v.delivery });
    await migrateDatabase(getConnection());
    const d = await redeliver(systemActor, input);
    console.log(v.json ? JSON.stringify(d) : `Queued ${describeDelivery(d)}`);
    return 0;
  }
  throw new UsageError(`unknown subcommand "${sub ?? ""}"; ${USAGE}`);
}
