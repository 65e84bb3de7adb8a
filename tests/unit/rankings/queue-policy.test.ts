// The queue-order setting: parsing, the tiers it leaves out appended in the default order, and its validation messages.
import { describe, expect, it } from "vitest";
import { zodFieldErrors } from "@/lib/errors";
import { normalizeQueueOrder, parseQueueEntry, queueSteps } from "@/lib/rankings/queue-policy";
import { updateProjectInput } from "@/lib/validation/projects";

const errors = (input: unknown) => {
  const r = updateProjectInput.safeParse(input);
  return r.success ? {} : zodFieldErrors(r.error);
};

describe("queue policy", () => {
  it("defaults to gate, active, routing, backlog", () => {
    expect(normalizeQueueOrder(undefined)).toEqual(["gate", "active", "routing", "backlog"]);
    expect(normalizeQueueOrder([])).toEqual(["gate", "active", "routing", "backlog"]);
  });

  it("keeps the admin's entries first and the tiers they left out after them, in the default order", () => {
    expect(normalizeQueueOrder(["backlog", "gate"])).toEqual(["backlog", "gate", "active", "routing"]);
    expect(normalizeQueueOrder(["import:7", "routing"])).toEqual(["import:7", "routing", "gate", "active", "backlog"]);
    expect(queueSteps(["version:v3", "active"])).toEqual([
      { batch: { kind: "version", label: "v3" } },
      { tier: "active" },
      { tier: "gate" },
      { tier: "routing" },
      { tier: "backlog" },
    ]);
    expect(parseQueueEntry("import:42")).toEqual({ batch: { kind: "import", auditId: 42 } });
  });

  it("reads the form's text as a list and refuses unknown, repeated or too many entries, naming the field", () => {
    expect(updateProjectInput.parse({ queueOrder: " version:v2,\ngate  backlog " }).queueOrder).toEqual(["version:v2", "gate", "backlog"]);
    expect(updateProjectInput.parse({ queueOrder: "" }).queueOrder).toEqual([]);
    expect(errors({ queueOrder: "gate, first" })).toEqual({ queueOrder: ['Queue order: "first" is not gate, active, routing, backlog, version:<label> or import:<id>'] });
    expect(errors({ queueOrder: "gate gate" })).toEqual({ queueOrder: ['Queue order names "gate" twice'] });
    for (const bad of ["version:", "import:x", "import:0", "version:a b", "Gate"]) expect(Object.keys(errors({ queueOrder: [bad] }))).toEqual(["queueOrder"]);
    expect(errors({ queueOrder: Array.from({ length: 9 }, (_, i) => `import:${i + 1}`) })).toEqual({ queueOrder: ["Queue order names at most 8 batches"] });
    expect(Object.keys(errors({ queueOrder: 5 }))).toEqual(["queueOrder"]);
  });

  it("reads generate-on-promote from a checkbox or flag", () => {
    expect(updateProjectInput.parse({ generateOnPromote: "false" }).generateOnPromote).toBe(false);
    expect(updateProjectInput.parse({ generateOnPromote: "on" }).generateOnPromote).toBe(true);
    expect(updateProjectInput.parse({ generateOnPromote: "" }).generateOnPromote).toBeUndefined();
    expect(errors({ generateOnPromote: "maybe" })).toEqual({ generateOnPromote: ["Generate on promote must be true or false"] });
  });
});
