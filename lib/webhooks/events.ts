// The events a webhook can receive (one list), and the payload every delivery carries.
export const WEBHOOK_EVENTS = [
  "ranking.submitted",
  "prompt.settled",
  "review.decided",
  "export.ready",
  "run.succeeded",
  "run.failed",
  "version.promoted",
  "source.failing",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What each event is, for the admin page and `tuneloop webhook add --help`. */
export const WEBHOOK_EVENT_LABELS: Record<WebhookEvent, string> = {
  "ranking.submitted": "a ranking was submitted (or revised)",
  "prompt.settled": "a prompt's rankings reached the overlap and agreement (or a reviewer accepted them)",
  "review.decided": "a reviewer approved, rejected or edited a prompt, demonstration or ranking",
  "export.ready": "an export snapshot was written",
  "run.succeeded": "a training run finished and registered a model version",
  "run.failed": "a training run failed",
  "version.promoted": "a model version became the active one",
  "source.failing": "a model source failed prompts in a row during a collect run",
};

/** The JSON body of a delivery: `id` is the event's (the same in every webhook's copy and in a redelivery). */
export type WebhookPayload = { id: string; type: WebhookEvent; createdAt: string; project: { id: string; slug: string }; data: Record<string, unknown> };
