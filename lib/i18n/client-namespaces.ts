// Which message namespaces reach the browser, area by area. A page's client components get the namespaces every page
// needs (navigation, forms, sign-in) and those of their own area, never the whole catalog: an annotator's page then
// carries neither the reviewers' and admins' words nor every other page's strings. tests/unit/intl-scope.test.ts checks
// that each client component's useTranslations namespace (and, for a partly sent one, each key) is covered here.

type Messages = Record<string, unknown>;

/** Handed to every page's client components by the root layout. */
export const commonNamespaces = ["nav", "form", "diff", "login", "invite", "setup"] as const;

/** Each route group's own namespaces (app/(group)/layout.tsx); "me.languagesLabel" sends one key of a namespace. */
export const areaNamespaces = {
  admin: ["admin", "importForm", "rank.questions", "training.status"],
  annotate: ["rank", "write", "conversations", "playground", "seed", "me.languagesLabel", "me.languagesSome", "me.languagesAll", "me.languagesSave"],
  review: ["review", "seedDrafts", "data", "diversity.charts", "diversity.settings"],
  training: ["training", "models", "evaluation"],
} as const satisfies Record<string, readonly string[]>;

export type Area = keyof typeof areaNamespaces;

/** The parts of `messages` named by `paths`, nested as in the catalog; a path the catalog lacks is skipped. */
export function pickMessages(messages: Messages, paths: readonly string[]): Messages {
  const picked: Messages = {};
  for (const path of paths) {
    const keys = path.split(".");
    let from: unknown = messages;
    for (const key of keys) from = from && typeof from === "object" ? (from as Messages)[key] : undefined;
    if (from === undefined) continue;
    let into = picked;
    for (const key of keys.slice(0, -1)) {
      if (!into[key] || typeof into[key] !== "object") into[key] = {};
      into = into[key] as Messages;
    }
    into[keys[keys.length - 1]] = from;
  }
  return picked;
}
