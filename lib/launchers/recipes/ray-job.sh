#!/usr/bin/env bash
# Launcher recipe "ray": the TRL script (trl_train.py) as a Ray job, `ray job submit --wait`, whose log (the script's
# JSON lines among it) streams back to Tuneloop. Needs the ray CLI here and RAY_ADDRESS (the dashboard, e.g.
# http://head:8265); Tuneloop's data folder must be on a filesystem the cluster mounts at the same path (the snapshot is
# read and the model written there). Optional: TUNELOOP_RAY_GPUS (default 1), TUNELOOP_RAY_ENTRYPOINT (default
# `python trl_train.py`; e.g. `accelerate launch trl_train.py` for several GPUs in one job). Cancel stops the job.
# Not run by Tuneloop's tests.
set -euo pipefail
: "${RAY_ADDRESS:?set RAY_ADDRESS to the Ray dashboard address (http://head:8265)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
id="tuneloop-${TUNELOOP_RUN_ID:?run this as a Tuneloop launcher}"
# The run's variables (TUNELOOP_VARS names them), TUNELOOP_HF_BASE_MODEL and a Hugging Face token travel in the
# runtime env, JSON-encoded by node; nothing else of this machine's environment does.
runtime_env="$(node -e 'const e = process.env; const names = [...(e.TUNELOOP_VARS ?? "").split(" "), "TUNELOOP_HF_BASE_MODEL", "HF_TOKEN"].filter((k) => k && e[k] !== undefined); process.stdout.write(JSON.stringify({ env_vars: Object.fromEntries(names.map((k) => [k, e[k]])) }))')"

stop() {
  ray job stop --address "$RAY_ADDRESS" "$id" || true
  exit 143
}
trap stop TERM INT
ray job submit --address "$RAY_ADDRESS" --submission-id "$id" --working-dir "$here" --runtime-env-json "$runtime_env" \
  --entrypoint-num-gpus "${TUNELOOP_RAY_GPUS:-1}" --wait -- ${TUNELOOP_RAY_ENTRYPOINT:-python trl_train.py} &
wait $!
