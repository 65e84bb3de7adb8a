#!/usr/bin/env bash
# Launcher recipe "trl-accelerate": TRL SFT / DPO (trl_train.py) under `accelerate launch` on this machine's GPUs.
# Optional: TUNELOOP_ACCELERATE_CONFIG (an accelerate config file: DeepSpeed, FSDP, number of processes),
# TUNELOOP_HF_BASE_MODEL (when the run's base is a Tuneloop preset). Needs python3 with trl, transformers, datasets,
# accelerate (and peft for LoRA). Not run by Tuneloop's tests.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
args=()
if [[ -n "${TUNELOOP_ACCELERATE_CONFIG:-}" ]]; then args+=(--config_file "$TUNELOOP_ACCELERATE_CONFIG"); fi
# exec: the job runner's SIGTERM (cancel) reaches accelerate, which stops its workers.
exec accelerate launch "${args[@]}" "$here/trl_train.py"
