#!/usr/bin/env python3
"""Launcher recipes' training script: TRL SFT and/or DPO on a Tuneloop snapshot, with progress as JSON lines.

Reads only the environment a launcher gets (README "Train on a cluster"):
  TUNELOOP_SNAPSHOT        the snapshot folder: sft.{train,eval}.jsonl (TRL conversational "messages") and
                           preference.{train,eval}.jsonl (TRL conversational "prompt"/"chosen"/"rejected")
  TUNELOOP_BASE_MODEL      a Hugging Face folder; a Tuneloop preset (tiny, small) needs TUNELOOP_HF_BASE_MODEL instead
  TUNELOOP_OUTPUT          where the trained model is saved as a Hugging Face folder (LoRA adapters merged)
  TUNELOOP_STAGE           sft | dpo | sft+dpo
  TUNELOOP_HYPERPARAMETERS steps, lr, batch (per device), beta, seed, evalEvery, saveEvery, blockSize, lora {rank, alpha, targets}

It runs the trainers `trl sft` and `trl dpo` run (trl.SFTTrainer, trl.DPOTrainer), not those commands themselves: their
log lines are Python dict reprs without the step, so this script adds a callback that prints one JSON line per log
event on the main process ({"step", "totalSteps", "loss", "learning_rate", "eval_loss", "rewards/accuracies", ...}),
which Tuneloop reads as progress and loss points. Written for TRL >= 0.19 (SFTConfig.max_length, processing_class).
Start it under `accelerate launch` for several GPUs (trl-accelerate.sh); the Ray, Kubernetes and Slurm recipes do.
Not run by Tuneloop's tests (no GPUs or cluster there).
"""
import json
import math
import os
import sys

env = os.environ


def need(name):
    value = env.get(name)
    if not value:
        sys.exit(f"{name} is not set: run this as a Tuneloop launcher (README 'Train on a cluster')")
    return value


snapshot = need("TUNELOOP_SNAPSHOT")
output = need("TUNELOOP_OUTPUT")
stage = env.get("TUNELOOP_STAGE", "sft+dpo")
base = need("TUNELOOP_BASE_MODEL")
if base in ("tiny", "small"):
    base = env.get("TUNELOOP_HF_BASE_MODEL") or sys.exit(
        f"TUNELOOP_BASE_MODEL is Tuneloop's preset {base!r}: set TUNELOOP_HF_BASE_MODEL to a Hugging Face model id or folder"
    )
hp = json.loads(env.get("TUNELOOP_HYPERPARAMETERS", "{}"))

# Imported after the checks above, so a misconfigured launcher fails in a second, not after loading torch.
import torch  # noqa: E402
from datasets import load_dataset  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback  # noqa: E402
from trl import DPOConfig, DPOTrainer, SFTConfig, SFTTrainer  # noqa: E402

# Tuneloop's LoRA target names (PEFT's short names) to the Llama family's module names.
LORA_MODULES = {"q": "q_proj", "k": "k_proj", "v": "v_proj", "o": "o_proj", "gate": "gate_proj", "up": "up_proj", "down": "down_proj"}


def lines(name):
    path = os.path.join(snapshot, name)
    return path if os.path.exists(path) and os.path.getsize(path) > 0 else None


def dataset(kind, columns):
    files = {split: f for split, f in (("train", lines(f"{kind}.train.jsonl")), ("test", lines(f"{kind}.eval.jsonl"))) if f}
    if "train" not in files:
        return None, None
    ds = load_dataset("json", data_files=files)
    ds = ds.remove_columns([c for c in ds["train"].column_names if c not in columns])
    return ds["train"], ds.get("test")


class JsonLines(TrainerCallback):
    """One JSON line per log event, steps counted across stages."""

    def __init__(self, offset, total):
        self.offset, self.total = offset, total

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        line = {"step": self.offset + state.global_step, "totalSteps": self.total}
        line.update({k: v for k, v in logs.items() if isinstance(v, (int, float)) and math.isfinite(v)})
        print(json.dumps(line), flush=True)


def common_args(stage_name, steps, has_eval):
    every = int(hp.get("evalEvery", 50))
    return dict(
        output_dir=os.path.join(output, f".work-{stage_name}"),
        max_steps=steps,
        learning_rate=float(hp.get("lr", 3e-4)),
        per_device_train_batch_size=int(hp.get("batch", 8)),
        seed=int(hp.get("seed", 1)),
        logging_steps=1,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=every,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        bf16=torch.cuda.is_available() and torch.cuda.is_bf16_supported(),
    )


def peft_config():
    lora = hp.get("lora")
    if not lora:
        return None
    from peft import LoraConfig

    return LoraConfig(r=int(lora["rank"]), lora_alpha=float(lora["alpha"]), target_modules=[LORA_MODULES[t] for t in lora["targets"]], task_type="CAUSAL_LM")


steps = int(hp.get("steps", 200))
stages = ["sft", "dpo"] if stage == "sft+dpo" else [stage]
sft_data = dataset("sft", ["messages"]) if "sft" in stages else (None, None)
dpo_data = dataset("preference", ["prompt", "chosen", "rejected"]) if "dpo" in stages else (None, None)
todo = [s for s, d in (("sft", sft_data), ("dpo", dpo_data)) if s in stages and d[0] is not None]
if not todo:
    sys.exit(f"the snapshot {snapshot} has no training rows for stage {stage}")
for s in stages:
    if s not in todo:
        print(f"skipping {s}: the snapshot has no {s} rows", flush=True)
total = steps * len(todo)

tokenizer = AutoTokenizer.from_pretrained(base)
if tokenizer.pad_token is None:
    tokenizer.pad_token = tokenizer.eos_token
model = AutoModelForCausalLM.from_pretrained(base, torch_dtype="auto")
max_length = int(hp["blockSize"]) if hp.get("blockSize") else None
trainer = None
for i, s in enumerate(todo):
    train, test = sft_data if s == "sft" else dpo_data
    extra = {"max_length": max_length} if max_length else {}
    if s == "sft":
        config = SFTConfig(**common_args(s, steps, test is not None), **extra)
        trainer = SFTTrainer(model=model, args=config, train_dataset=train, eval_dataset=test, processing_class=tokenizer, peft_config=peft_config())
    else:
        # The starting model of this stage is DPO's reference (TRL copies it when ref_model is None).
        config = DPOConfig(beta=float(hp.get("beta", 0.1)), **common_args(s, steps, test is not None), **extra)
        trainer = DPOTrainer(model=model, ref_model=None, args=config, train_dataset=train, eval_dataset=test, processing_class=tokenizer, peft_config=peft_config())
    trainer.add_callback(JsonLines(i * steps, total))
    trainer.train()
    model = trainer.model
    # LoRA adapters are merged after each stage: the next stage (and Tuneloop's import) sees a plain model.
    if hasattr(model, "merge_and_unload"):
        model = trainer.accelerator.unwrap_model(model).merge_and_unload()

if trainer.accelerator.is_main_process:
    model = trainer.accelerator.unwrap_model(model)
    model.save_pretrained(output, safe_serialization=True)
    tokenizer.save_pretrained(output)
    for s in todo:
        import shutil

        shutil.rmtree(os.path.join(output, f".work-{s}"), ignore_errors=True)
    print(json.dumps({"saved": output}), flush=True)
trainer.accelerator.wait_for_everyone()
