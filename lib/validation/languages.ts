// zod inputs for prompt languages (#19): a person's languages (lib/languages/settings.ts).
import { z } from "zod";
import { languageListInput } from "@/lib/languages/codes";

/** `languages`: codes (ISO 639-1, e.g. ["en", "es"]) or one string "en, es"; empty = every language. */
export const setMyLanguagesInput = z.object({ languages: languageListInput }).strict();
export type SetMyLanguagesInput = z.infer<typeof setMyLanguagesInput>;
