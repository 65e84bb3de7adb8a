// The screening hold: a text with PII hits or a safety flag awaiting a reviewer is kept from annotators until a reviewer clears it.
// A prompt is held whole when any of its texts is open (its instruction, input, an output or a demonstration): everyone who
// ranks a prompt ranks the same outputs, so dropping one output would split its rankings between two sets.
import type { ProjectSettings } from "@/db/schema";

/** Whether a project holds screened texts (absent: it does). */
export function holdsScreened(settings: Pick<ProjectSettings, "screeningHold">): boolean {
  return settings.screeningHold !== "show";
}
