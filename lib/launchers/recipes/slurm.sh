#!/usr/bin/env bash
# Launcher recipe "slurm": the TRL script (trl_train.py) as a Slurm batch job, `sbatch --wait`; the job's output file is
# followed so its JSON lines reach Tuneloop as progress. Tuneloop's data folder must be on a filesystem the nodes mount
# at the same path. Partition, GPUs and time come from sbatch's own environment variables (SBATCH_PARTITION,
# SBATCH_GRES=gpu:4, SBATCH_TIMELIMIT, SBATCH_ACCOUNT); TUNELOOP_ACCELERATE_CONFIG as in trl-accelerate. Cancel runs
# scancel. Not run by Tuneloop's tests.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="tuneloop-${TUNELOOP_RUN_ID:?run this as a Tuneloop launcher}"
log="$(dirname "$TUNELOOP_OUTPUT")/slurm.log"
: >"$log"
tail -n +1 -F "$log" 2>/dev/null &
follower=$!

stop() {
  scancel --name "$name" || true
  kill "$follower" 2>/dev/null || true
  exit 143
}
trap stop TERM INT
# --export=ALL passes the run's TUNELOOP_* variables; the batch script runs trl_train.py under accelerate.
sbatch --wait --job-name "$name" --output "$log" --export ALL "$here/slurm-job.sbatch" "$here" &
set +e
wait $!
code=$?
set -e
sleep 2 # the last lines of the output file
kill "$follower" 2>/dev/null || true
exit "$code"
