#!/usr/bin/env bash
# Property-based tests of the live API against its own OpenAPI document (issue 7): a real `earshot serve`
# on a loopback port over a scored synthetic database, fuzzed by schemathesis with a bounded number of
# examples per operation. Fails on any server error, status, content type, header or schema violation.
#
#   scripts/schemathesis.sh [EARSHOT_BINARY] [MAX_EXAMPLES]
#
# Needs `schemathesis` on PATH (CI: pip install schemathesis==4.32.5).
set -euo pipefail
source "$(dirname "$0")/serve_lib.sh"
earshot="${1:-target/release/earshot}"
examples="${2:-25}"
scratch="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
db="$scratch/st.db"
"$earshot" --quiet gen --scale 9 --edge-factor 8 --seed 7 --out "$scratch/s.jsonl.gz"
"$earshot" --quiet --db "$db" import "$scratch/s.jsonl.gz"
"$earshot" --quiet --db "$db" score > /dev/null
# A generous rate: schemathesis checks behaviour, not the limiter (the integration tests check that).
key="$("$earshot" --quiet --db "$db" keys create --name schemathesis --scope admin --rate 100000 --burst 100000)"
start_server "$earshot" "$db" "$scratch"
echo "schemathesis against $base ($examples examples per operation)"
# Path parameters fixed to an account that exists, so lookups reach their 200 responses and those are
# checked against the schema too (random names would only ever meet 404).
account="$("$earshot" --db "$db" --json top --limit 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["top"][0]["account"])')"
ext="$(python3 - "$db" "$account" <<'PY'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT ext_id FROM accounts WHERE id = ?", (int(sys.argv[2]),)).fetchone()[0])
PY
)"
cat > "$scratch/schemathesis.toml" <<TOML
[parameters]
"path.platform" = "synthetic"
"path.account" = "$ext"

# A full job queue answers 503 with Retry-After by design (back-pressure, documented in the schema):
# fuzzing queues jobs faster than two cores finish them. Everywhere else any 5xx is a failure.
[[operations]]
include-path-regex = "^/v1/jobs/(forecast|plan)$"
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503"]
TOML
python3 "$(dirname "$0")/check_job_schemas.py" "$base" "$key" "$ext"
# DELETE /v1/keys/{id} is left out: a random id could revoke the key the run itself uses.
status=0
schemathesis --config-file "$scratch/schemathesis.toml" run "$base/openapi.json" \
  --header "Authorization: Bearer $key" \
  --max-examples "$examples" --seed 1 --workers 1 \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --exclude-method DELETE \
  --generation-database none \
  --no-color || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 40 lines)"; tail -n 40 "$scratch/server.log"
fi
exit "$status"
