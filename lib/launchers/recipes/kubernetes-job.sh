#!/usr/bin/env bash
# Launcher recipe "kubernetes": the TRL script (trl_train.py) as a Kubernetes Job: `kubectl apply`, its log followed
# (the JSON lines reach Tuneloop as progress), `kubectl wait` for complete or failed. Needs kubectl with a context, and:
#   TUNELOOP_K8S_IMAGE   an image with python3, torch, trl, transformers, datasets, accelerate (and peft for LoRA)
#   TUNELOOP_K8S_PVC     a PersistentVolumeClaim holding Tuneloop's data folder, mounted at the same path it has here
# Optional: TUNELOOP_K8S_NAMESPACE (default), TUNELOOP_K8S_GPUS (1), TUNELOOP_K8S_TIMEOUT (24h). The script travels in a
# ConfigMap. Cancel deletes the Job (and its pod). Not run by Tuneloop's tests.
set -euo pipefail
: "${TUNELOOP_K8S_IMAGE:?set TUNELOOP_K8S_IMAGE (python3 with trl)}"
: "${TUNELOOP_K8S_PVC:?set TUNELOOP_K8S_PVC (the claim holding the data folder)}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ns="${TUNELOOP_K8S_NAMESPACE:-default}"
name="tuneloop-${TUNELOOP_RUN_ID:?run this as a Tuneloop launcher}"
# <data>/runs/<run id>/output: the data folder is three levels up, and the claim is mounted there.
export TUNELOOP_K8S_MOUNT="${TUNELOOP_K8S_MOUNT:-$(cd "$TUNELOOP_OUTPUT/../../.." && pwd)}"
export TUNELOOP_K8S_NAME="$name"
k() { kubectl --namespace "$ns" "$@"; }

# The manifest as JSON, built by node so that every value is quoted right.
manifest="$(node -e '
const e = process.env;
// Only the run'"'"'s variables (TUNELOOP_VARS names them), the preset substitute and a Hugging Face token go to the pod.
const names = [...(e.TUNELOOP_VARS ?? "").split(" "), "TUNELOOP_HF_BASE_MODEL", "HF_TOKEN"].filter((k) => k && e[k] !== undefined);
const vars = names.map((name) => ({ name, value: e[name] }));
const gpus = e.TUNELOOP_K8S_GPUS ?? "1";
process.stdout.write(JSON.stringify({
  apiVersion: "batch/v1", kind: "Job",
  metadata: { name: e.TUNELOOP_K8S_NAME, labels: { app: "tuneloop", "tuneloop/run": e.TUNELOOP_RUN_ID } },
  spec: { backoffLimit: 0, template: { metadata: { labels: { app: "tuneloop" } }, spec: {
    restartPolicy: "Never",
    containers: [{ name: "train", image: e.TUNELOOP_K8S_IMAGE, command: ["python3", "/recipe/trl_train.py"], env: vars,
      resources: { limits: { "nvidia.com/gpu": gpus } },
      volumeMounts: [{ name: "data", mountPath: e.TUNELOOP_K8S_MOUNT }, { name: "recipe", mountPath: "/recipe" }] }],
    volumes: [{ name: "data", persistentVolumeClaim: { claimName: e.TUNELOOP_K8S_PVC } }, { name: "recipe", configMap: { name: e.TUNELOOP_K8S_NAME } }],
  } } },
}));')"

stop() {
  k delete job "$name" --wait=false --cascade=foreground || true
  exit 143
}
trap stop TERM INT
k create configmap "$name" --from-file=trl_train.py="$here/trl_train.py" --dry-run=client -o yaml | k apply -f -
printf '%s' "$manifest" | k apply -f -
# The pod may still be pending: retry until its log can be followed to the end.
(until k logs -f "job/$name" 2>/dev/null; do sleep 5; done) &
follower=$!
timeout="${TUNELOOP_K8S_TIMEOUT:-24h}"
k wait --for=condition=complete "job/$name" --timeout="$timeout" &
complete=$!
k wait --for=condition=failed "job/$name" --timeout="$timeout" &
failed=$!
set +e
wait -n "$complete" "$failed"
set -e
sleep 2 # the last log lines
kill "$follower" "$complete" "$failed" 2>/dev/null || true
k delete configmap "$name" --wait=false >/dev/null 2>&1 || true
if [[ "$(k get job "$name" -o jsonpath='{.status.succeeded}')" == "1" ]]; then exit 0; fi
echo "Kubernetes Job $name did not complete (kubectl -n $ns describe job $name)" >&2
exit 1
