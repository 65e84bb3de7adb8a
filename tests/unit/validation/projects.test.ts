// Project inputs: slugs, categories from a list or a textarea, settings bounds named by field, strings from forms and flags.
import { describe, expect, it } from "vitest";
import { createProjectInput, defaultCategories, defaultProjectSettings, settingsFrom, updateProjectInput } from "@/lib/validation/projects";
import { zodFieldErrors } from "@/lib/errors";

function errors(schema: typeof createProjectInput | typeof updateProjectInput, input: unknown) {
  const r = schema.safeParse(input);
  return r.success ? {} : zodFieldErrors(r.error);
}

describe("project inputs", () => {
  it("accepts a minimal project and leaves the rest to defaults", () => {
    expect(createProjectInput.parse({ slug: "helpful-qa", name: " Helpful QA " })).toEqual({ slug: "helpful-qa", name: "Helpful QA" });
    expect(settingsFrom({})).toEqual({ k: 4, overlap: 3, agreementThreshold: 0.5, goldRate: 0.1, reviseHours: 24, leaseMinutes: 30, temperature: 0.8, topP: 0.95, maxNewTokens: 128, tooFastSeconds: 4 });
    expect(defaultCategories).toHaveLength(11);
    expect(defaultCategories).toContain("math and reasoning");
  });

  it("takes slugs of lowercase letters, digits and single dashes only", () => {
    for (const slug of ["a", "qa-2", "alpaca-eval-2024"]) expect(errors(createProjectInput, { slug, name: "n" })).toEqual({});
    for (const slug of ["", "QA", "a_b", "-a", "a-", "a--b", "a b", "é", "x".repeat(65)]) {
      expect(Object.keys(errors(createProjectInput, { slug, name: "n" }))).toEqual(["slug"]);
    }
  });

  it("names each out-of-range setting by its own field", () => {
    const e = errors(createProjectInput, { slug: "p", name: "n", k: 10, overlap: 0, agreementThreshold: 1.5, goldRate: -0.1, reviseHours: 1.5, leaseMinutes: 0 });
    expect(Object.keys(e).sort()).toEqual(["agreementThreshold", "goldRate", "k", "leaseMinutes", "overlap", "reviseHours"]);
    expect(Object.keys(errors(createProjectInput, { slug: "p", name: "n", temperature: 2.5, topP: 0, maxNewTokens: 4096 })).sort()).toEqual(["maxNewTokens", "temperature", "topP"]);
    expect(Object.keys(errors(createProjectInput, { slug: "p", name: "n", k: 1 }))).toEqual(["k"]);
    expect(Object.keys(errors(createProjectInput, { slug: "p", name: "n", k: 3.5 }))).toEqual(["k"]);
    expect(errors(createProjectInput, { slug: "p", name: "n", k: 2, overlap: 20, agreementThreshold: 0, goldRate: 1 })).toEqual({});
  });

  it("reads numbers from form fields and flags; an empty field means not given", () => {
    expect(createProjectInput.parse({ slug: "p", name: "n", k: "5", goldRate: "0.25", overlap: "" })).toEqual({ slug: "p", name: "n", k: 5, goldRate: 0.25 });
    expect(errors(createProjectInput, { slug: "p", name: "n", k: "four" }).k?.[0]).toMatch(/must be a number/);
  });

  it("splits categories on commas and newlines, drops blanks, refuses duplicates and an empty list", () => {
    expect(createProjectInput.parse({ slug: "p", name: "n", categories: "open QA, coding\n\nchat,\n" }).categories).toEqual(["open QA", "coding", "chat"]);
    expect(createProjectInput.parse({ slug: "p", name: "n", categories: [" a ", "b"] }).categories).toEqual(["a", "b"]);
    expect(Object.keys(errors(createProjectInput, { slug: "p", name: "n", categories: "Chat, chat" }))).toEqual(["categories"]);
    expect(Object.keys(errors(createProjectInput, { slug: "p", name: "n", categories: " , \n" }))).toEqual(["categories"]);
  });

  it("refuses unknown fields, and does not let an update change the slug", () => {
    expect(createProjectInput.safeParse({ slug: "p", name: "n", settings: { k: 3 } }).success).toBe(false);
    expect(updateProjectInput.safeParse({ slug: "other" }).success).toBe(false);
    expect(updateProjectInput.parse({})).toEqual({});
  });

  it("merges given settings over a base", () => {
    expect(settingsFrom({ k: 6, goldRate: undefined }, { ...defaultProjectSettings, goldRate: 0 })).toEqual({ ...defaultProjectSettings, k: 6, goldRate: 0 });
  });
});
