// Who can answer in a project's Playground: its ready model versions (and `active`) and its model sources, by the
// names the page shows; resolving a name the person picked, and picking two at random for the Arena.
import "server-only";
import { randomInt } from "node:crypto";
import type { DbOrTx } from "@/db/client";
import { listModelVersions } from "@/db/queries/runs";
import { listSourcesByProject } from "@/db/queries/sources";
import { AppError } from "@/lib/errors";
import { parseContenderRef } from "@/lib/validation/playground";
import type { Contender } from "./generate";

/** What the page lists: the value it sends back (`version:v2`, `source:gpt`), a label, and the kind. */
export type ContenderOption = { ref: string; label: string; kind: "version" | "source" };

export async function listContenders(db: DbOrTx, projectId: string): Promise<Contender[]> {
  // a reward model scores outputs and writes none
  const versions = (await listModelVersions(db, projectId)).filter((v) => v.status === "ready" && v.kind === "policy");
  const sources = await listSourcesByProject(db, projectId);
  return [
    ...versions.map((v) => ({ kind: "version" as const, id: v.id, name: v.label, version: v })),
    ...sources.map((s) => ({ kind: "source" as const, id: s.id, name: s.name, source: s })),
  ];
}

export function contenderOptions(all: Contender[]): ContenderOption[] {
  const active = all.find((c) => c.kind === "version" && c.version.isActive);
  return [
    ...(active ? [{ ref: "version:active", label: `active (${active.name})`, kind: "version" as const }] : []),
    ...all.map((c) => ({ ref: `${c.kind}:${c.name}`, label: c.kind === "version" ? `version ${c.name}` : `source ${c.name}`, kind: c.kind })),
  ];
}

/** The contender a ref names, or a 404 naming `field`. `version:active` is the active version. */
export function resolveContender(all: Contender[], ref: string, field: string): Contender {
  const { kind, name } = parseContenderRef(ref);
  const found = all.find((c) => c.kind === kind && (kind === "version" && name === "active" ? c.kind === "version" && c.version.isActive : c.name === name));
  if (!found) {
    const why = kind === "version" && name === "active" ? "This project has no active version" : `No ${kind} "${name}" in this project`;
    throw new AppError("not_found:model", `${why}.`, { [field]: [why] });
  }
  return found;
}

/** Two different contenders, uniformly at random; a 409 when the project has fewer than two. */
export function pickTwo(all: Contender[]): [Contender, Contender] {
  if (all.length < 2) {
    throw new AppError("conflict:arena", "The Arena needs two models: this project has " + (all.length ? `only ${all[0].kind} ${all[0].name}` : "no model versions or sources") + ".", {
      a: ["Needs at least two model versions or sources"],
    });
  }
  const i = randomInt(all.length);
  const j = (i + 1 + randomInt(all.length - 1)) % all.length;
  return [all[i], all[j]];
}
