#!/usr/bin/env bash
# examples/kubernetes: the manifests hang together (the workers' storage URL names the
# PostgreSQL Service, the Secret and ConfigMap they use exist, the sweep's program is where
# the ConfigMap is mounted, the Job shares work: parallelism and no completion count), and
# the workers' container command, run here as the Job's pods would run it (its parallelism
# of processes at once, the ConfigMap's files in a directory, the Service replaced by the
# tests' PostgreSQL server, run_cap 32), creates one study and stops at exactly its run_cap.
source "$(dirname "$0")/lib.bash"
[ -n "${KNOB_TEST_PG_URL:-}" ] || skip "KNOB_TEST_PG_URL is not set (scripts/pg.sh start)"
/usr/bin/python3 -c 'import yaml' 2> /dev/null || skip "python3-yaml is missing (scripts/deps.sh)"
K="$KNOB_SRC/examples/kubernetes"

# Reads the manifests; prints "key=value" lines the shell evaluates below.
/usr/bin/python3 - "$K" "$T/config" > plan.txt <<'PY' || fail "manifests: $(cat plan.txt)"
import os, shlex, sys, yaml
k, out = sys.argv[1], sys.argv[2]
docs = {}
for f in ("postgres.yaml", "sweep.yaml", "workers.yaml"):
    for d in yaml.safe_load_all(open(os.path.join(k, f))):
        docs[(d["kind"], d["metadata"]["name"])] = d
def need(kind, name, why):
    if (kind, name) not in docs:
        sys.exit(f"{why}: no {kind} named {name!r} in the manifests")
    return docs[(kind, name)]
job = need("Job", "knob-workers", "the workers")
spec = job["spec"]
if "completions" in spec:
    sys.exit("the workers' Job has a completion count: its pods would not share one study")
if spec.get("parallelism", 1) < 2:
    sys.exit("the workers' Job runs one pod")
pod = spec["template"]["spec"]
if pod["restartPolicy"] not in ("OnFailure", "Never"):
    sys.exit(f"restartPolicy {pod['restartPolicy']} is not allowed in a Job")
c = pod["containers"][0]
env = {e["name"]: e for e in c["env"]}
url = env["KNOB_STORAGE"]["value"]
host = url.split("@", 1)[1].split(":", 1)[0].split("/", 1)[0]
svc = need("Service", host, "the storage URL's host")
need("Deployment", "knob-postgres", "the database")["spec"]["template"]["metadata"]["labels"] == \
    svc["spec"]["selector"] or sys.exit("the Service selects no database pod")
need("Secret", env["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["name"], "PGPASSWORD")
# knob fails at once where nothing listens: the pod waits for the database first
waits = [i for i in pod.get("initContainers", []) if "pg_isready" in " ".join(i["command"])]
if not waits:
    sys.exit("no init container waits for the database with pg_isready")
wait = waits[0]["command"]
port = (url.split("@", 1)[1].split("/", 1)[0].split(":") + ["5432"])[1]
if f"-h {host} -p {port}" not in " ".join(wait):
    sys.exit(f"the init container waits for another server than {host}:{port}: {wait}")
mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
vols = {v["name"]: v for v in pod["volumes"]}
(cm_vol,) = [n for n, v in vols.items() if "configMap" in v]
cm = need("ConfigMap", vols[cm_vol]["configMap"]["name"], "the mounted config")
mount = mounts[cm_vol]
sweep = yaml.safe_load(cm["data"]["sweep.yaml"])
prog = sweep["program"]
if not prog.startswith(mount + "/") or os.path.basename(prog) not in cm["data"]:
    sys.exit(f"the sweep's program {prog} is not a file of the ConfigMap mounted at {mount}")
os.makedirs(out)
for name, text in cm["data"].items():
    text = text.replace(mount + "/", out + "/")
    if name == "sweep.yaml":  # a smaller run_cap keeps the test quick
        text = text.replace(f"run_cap: {sweep['run_cap']}", "run_cap: 32")
    open(os.path.join(out, name), "w").write(text)
argv = [a.replace(mount + "/", out + "/") for a in c["command"] + c["args"]]
print("pods=" + str(spec["parallelism"]))
print("run_cap=32")
print("study=" + shlex.quote(sweep["name"]))
print("argv=(" + " ".join(shlex.quote(a) for a in argv) + ")")
print("wait=(" + " ".join(shlex.quote(a) for a in wait) + ")")
print("wait_at=" + shlex.quote(f"-h {host} -p {port}"))
PY
source plan.txt
expect_eq "${argv[0]}" knob "the workers' command"
expect_eq "${argv[1]}" worker "the workers' subcommand"

# The init container's wait, run here: it goes on while nothing listens at the Service's
# place (a port nothing listens on), and ends once the server answers (the tests' server).
command -v pg_isready > /dev/null || skip "pg_isready is missing (scripts/deps.sh)"
dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
at=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"-h {p.hostname} -p {p.port or 5432}")' "$KNOB_TEST_PG_URL")
"${wait[0]}" "${wait[1]}" "${wait[2]//$wait_at/-h 127.0.0.1 -p $dead}" > wait.txt 2>&1 &
waiting=$!
sleep 3
kill -0 "$waiting" 2> /dev/null || fail "the init container's wait ended with nothing listening: $(cat wait.txt)"
kill "$waiting"
wait "$waiting" 2> /dev/null || true
timeout 20 "${wait[0]}" "${wait[1]}" "${wait[2]//$wait_at/$at}" > wait.txt 2>&1 ||
    fail "the init container's wait did not end with the server up: $(cat wait.txt)"

schema="k8s_$$_$(date +%s)"
psql "$KNOB_TEST_PG_URL" -qc "CREATE SCHEMA $schema" || fail "cannot create a schema"
trap 'PGOPTIONS="-c client_min_messages=warning" psql "$KNOB_TEST_PG_URL" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" || true' EXIT
export KNOB_STORAGE="$KNOB_TEST_PG_URL?options=-csearch_path%3D$schema"
pids=()
for i in $(seq "$pods"); do
    # $(KNOB_STORAGE) is Kubernetes' own expansion of the container's env in args.
    a=("${argv[@]:1}")
    a=("${a[@]//\$(KNOB_STORAGE)/$KNOB_STORAGE}")
    "$KNOB" "${a[@]}" > "pod$i.txt" 2>&1 &
    pids+=($!)
done
for i in $(seq "$pods"); do
    wait "${pids[i - 1]}" || fail "pod $i: $(tail -n 20 "pod$i.txt")"
done
"$KNOB" trials "$study" --storage "$KNOB_STORAGE" --format json > t.json
expect_eq "$(py 'len(d)' < t.json)" "$run_cap" "trials of $pods pods with run_cap $run_cap"
expect_eq "$(py 'sum(t["state"] == "complete" for t in d)' < t.json)" "$run_cap" "complete trials"
expect_eq "$("$KNOB" studies --storage "$KNOB_STORAGE" | grep -c "$study")" 1 "studies named $study"
echo ok
