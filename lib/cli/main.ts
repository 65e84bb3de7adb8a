// The tuneloop CLI: one dispatcher over the app's commands and the trainer's.
import { env } from "@/lib/env";
import { describeFailure } from "./failure";

type Command = { summary: string; run: (argv: string[]) => Promise<number> };

const commands: Record<string, Command> = {
  serve: { summary: "build if needed, then serve the app (npm start)", run: async (a) => (await import("./commands/serve")).serve(a) },
  migrate: { summary: "apply database migrations", run: async (a) => (await import("./commands/db")).migrateCommand(a) },
  user: { summary: "user add --email E --role R [--name N]  (password on stdin)", run: async (a) => (await import("./commands/user")).userCommand(a) },
  project: { summary: "project create --slug S --name N [--k 4 --overlap 3 …] | update | list", run: async (a) => (await import("./commands/project")).projectCommand(a) },
  import: { summary: "import FILE --project SLUG [--format F] [--language L]  (all-or-nothing; re-import adds nothing)", run: async (a) => (await import("./commands/import")).importCommand(a) },
  diversity: { summary: "diversity --project S [--json]  (categories vs targets, verbs and objects, lengths, near-duplicates)", run: async (a) => (await import("./commands/diversity")).diversityCommand(a) },
  "seed-drafts": { summary: "seed-drafts --project S (--source N | --version LABEL|active) [--n 10] [--k 6] [--json]  (a model source or version drafts new tasks from seed tasks; novel ones go to review)", run: async (a) => (await import("./commands/seed-drafts")).seedDraftsCommand(a) },
  stats: { summary: "stats --project S [--json]  (prompts, completions, rankings, open leases)", run: async (a) => (await import("./commands/stats")).statsCommand(a) },
  export: { summary: "export --project S [--out DIR] [--pairing P] [--format trl,openai,alpaca]  (a training snapshot)", run: async (a) => (await import("./commands/export")).exportCommand(a) },
  worker: { summary: "run the job runner against DATABASE_URL (train, export, schedule)", run: async (a) => (await import("./commands/worker")).workerCommand(a) },
  train: { summary: "train --snapshot DIR (--init tiny|small | --from CKPT) --stage sft|dpo|sft+dpo|rm --out CKPT [--steps …]", run: (a) => trainer(["train", ...a]) },
  generate: { summary: "generate --model CKPT --prompt TEXT [--n, --temperature, --top-p, --max-tokens]", run: (a) => trainer(["generate", ...a]) },
  evaluate: { summary: "evaluate --model CKPT --snapshot DIR  (JSON metrics)", run: (a) => trainer(["evaluate", ...a]) },
  score: { summary: "score --model RM --input FILE [--batch 8] [--json]  (a reward model's score of each {id, messages, response} row)", run: (a) => trainer(["score", ...a]) },
  "import-model": {
    summary: "import-model --hf DIR --out CKPT  (GPT-2, Llama, Qwen2 or Mistral weights from a local Hugging Face folder); without --out: model import",
    // Without --out the folder is registered as a base model (the Models page's import), not written to a folder.
    run: async (a) => (a.includes("--out") || a.some((x) => x.startsWith("--out=")) ? trainer(["import-model", ...a]) : (await import("./commands/model")).modelCommand(["import", ...a])),
  },
  model: { summary: "model import --hf DIR [--name N] [--project S] [--wait] | list | use --project S --model NAME|none  (base models)", run: async (a) => (await import("./commands/model")).modelCommand(a) },
  "merge-lora": { summary: "merge-lora --model CKPT --adapter DIR --out CKPT2  (a PEFT LoRA folder merged into a Llama-family checkpoint)", run: (a) => trainer(["merge-lora", ...a]) },
  "gen-worker": { summary: "gen-worker [--max-models N]  (a warm generation process: JSON-line requests on stdin, tokens on stdout; the app's pool starts these)", run: async (a) => (await import("@/trainer/serve")).serveGeneration(a) },
  retrain: { summary: "retrain --project S [--stage sft|dpo|sft+dpo|rm] [--base active|tiny|small|CKPT] [--steps N] [--wait] [--json]", run: async (a) => (await import("./commands/retrain")).retrainCommand(a) },
  token: { summary: "token create --email E [--name N] [--json]  (a new API token acting as that person, printed once)", run: async (a) => (await import("./commands/token")).tokenCommand(a) },
  source: { summary: "source add --project S --name N --base-url URL --model M [--api-key-env VAR …] | list | test | remove  (OpenAI-compatible endpoints)", run: async (a) => (await import("./commands/source")).sourceCommand(a) },
  collect: { summary: "collect --project S --source N [--source N2 …] [--prompts K] [--wait] [--json]  (sources answer prompts short of K)", run: async (a) => (await import("./commands/collect")).collectCommand(a) },
  webhook: {
    summary: "webhook add --project S --url URL [--events E1,E2|*] | list | remove | enable | deliveries --id ID | redeliver --delivery ID  (signed POSTs on events)",
    run: async (a) => (await import("./commands/webhook")).webhookCommand(a),
  },
  evaluation: { summary: "evaluation --project S [--json]  (per version and category: held-out loss, win rates vs previous and active with intervals, output lengths)", run: async (a) => (await import("./commands/evaluation")).evaluationCommand(a) },
  leaderboard: { summary: "leaderboard --project S [--baseline NAME] [--json]  (win rates and Bradley–Terry ratings)", run: async (a) => (await import("./commands/leaderboard")).leaderboardCommand(a) },
};

async function trainer(argv: string[]): Promise<number> {
  const { runTrainerCli } = await import("@/trainer/cli");
  return runTrainerCli(argv);
}

function debugLogging(): boolean {
  try {
    return env().TUNELOOP_LOG_LEVEL === "debug";
  } catch {
    return false; // the environment itself was the failure, already told in one line
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  return ["Usage: tuneloop <command> [flags]", "", ...Object.entries(commands).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`)].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`tuneloop: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // One line, no stack: TUNELOOP_LOG_LEVEL=debug prints the error whole after it.
    const { line, code } = describeFailure(e);
    console.error(`tuneloop ${name}: ${line}`);
    if (debugLogging()) console.error(e);
    return code;
  } finally {
    const { closeConnection } = await import("@/db/client");
    await closeConnection().catch(() => {});
  }
}
