// The whole schema, re-exported for drizzle and drizzle-kit.
export * from "./enums";
export * from "./users";
export * from "./audit";
export * from "./projects";
export * from "./prompts";
export * from "./rankings";
export * from "./questions";
export * from "./training";
export * from "./sources";
export * from "./generations";
export * from "./base-models";
export * from "./webhooks";
export * from "./screenings";
export * from "./reward-scores";
