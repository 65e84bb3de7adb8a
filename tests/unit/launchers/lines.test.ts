// A launcher's stdout lines: which are progress and what they add, which are log; its environment's per-hyperparameter names.
import { describe, expect, it } from "vitest";
import { parseLauncherLine } from "@/lib/launchers/lines";
import { hyperparameterVars } from "@/lib/launchers/env";

describe("parseLauncherLine", () => {
  it("reads TRL's log keys: loss and learning rate in the training split, eval_* in the held-out split", () => {
    expect(parseLauncherLine('{"step": 10, "totalSteps": 100, "loss": 1.5, "learning_rate": 2e-5, "epoch": 0.1, "eval_loss": 1.75, "eval_rewards/accuracies": 0.5}')).toEqual({
      step: 10,
      totalSteps: 100,
      loss: 1.5,
      train: { loss: 1.5, learning_rate: 2e-5, epoch: 0.1 },
      eval: { loss: 1.75, "rewards/accuracies": 0.5 },
    });
  });

  it("reads the built-in trainer's step and eval events", () => {
    const step = parseLauncherLine(JSON.stringify({ type: "step", stage: "sft", step: 3, totalSteps: 9, loss: 2.25, tokensPerSec: 100, etaMs: 5, metrics: { loss: 2.25, "rewards/margins": null } }));
    expect(step).toEqual({ step: 3, totalSteps: 9, loss: 2.25, train: { loss: 2.25, tokensPerSec: 100 }, eval: {} });
    const evaluation = parseLauncherLine(JSON.stringify({ type: "eval", stage: "sft", step: 3, metrics: { loss: 2.5, perplexity: 12.2 } }));
    expect(evaluation).toEqual({ step: 3, train: {}, eval: { loss: 2.5, perplexity: 12.2 } });
    expect(parseLauncherLine(JSON.stringify({ type: "done", checkpoint: "/x", step: 9, metrics: { loss: 1 } }))).toBeNull();
  });

  it("an endpoint line names the server and its model; max_steps alone moves the total", () => {
    expect(parseLauncherLine('{"endpoint": "http://vllm:8000/v1", "model": "ft-1"}')).toEqual({ endpoint: "http://vllm:8000/v1", endpointModel: "ft-1", train: {}, eval: {} });
    expect(parseLauncherLine('{"max_steps": 500}')).toEqual({ totalSteps: 500, train: {}, eval: {} });
  });

  it("everything else is a log line", () => {
    for (const line of ["", "Loading checkpoint shards: 100%", '{"step":', '{"step": "3"}', '{"step": -1}', '{"step": 1.5}', '{"loss": 1}', "[1, 2]", "null", '{"endpoint": "ftp://x"}', "{'loss': 1.2, 'epoch': 0.5}"]) {
      expect(parseLauncherLine(line), line).toBeNull();
    }
  });

  it("non-finite numbers are left out of the metrics", () => {
    expect(parseLauncherLine('{"step": 2, "loss": 1, "grad_norm": 1e999}')).toEqual({ step: 2, loss: 1, train: { loss: 1 }, eval: {} });
  });
});

describe("hyperparameterVars", () => {
  it("one TUNELOOP_ variable per hyperparameter, LoRA's fields apart, lists comma-joined", () => {
    expect(hyperparameterVars({ steps: 200, lr: 3e-4, evalEvery: 50, blockSize: 512, lora: { rank: 16, alpha: 32, targets: ["q", "v"] }, pilot: 0.1 })).toEqual({
      TUNELOOP_STEPS: "200",
      TUNELOOP_LR: "0.0003",
      TUNELOOP_EVAL_EVERY: "50",
      TUNELOOP_BLOCK_SIZE: "512",
      TUNELOOP_LORA_RANK: "16",
      TUNELOOP_LORA_ALPHA: "32",
      TUNELOOP_LORA_TARGETS: "q,v",
      TUNELOOP_PILOT: "0.1",
    });
  });
});
