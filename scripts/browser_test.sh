#!/usr/bin/env bash
# The dashboard in a real browser (issue 20): a real `earshot serve` on a loopback port over DB, and
# tests/browser/dashboard.mjs driving Debian's headless Chromium through every page with Playwright,
# axe-core on each page, and a screenshot of each written to SHOTS.
#
#   scripts/browser_test.sh EARSHOT DB LABEL SHOTS
#
# Needs /usr/bin/chromium (apt-get install chromium) and `npm ci` in tests/browser (CI: .ci/run does
# both). DB must be scored; the script makes a read and a write key in it, and when its triage queue
# is empty it posts three messages by the top accounts so that the inbox has something to answer.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/serve_lib.sh"
earshot="$(realpath "$1")"; db="$2"; label="$3"; shots="$(realpath -m "$4")"
scratch="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
read_key="$("$earshot" --quiet --db "$db" keys create --name "browser-read" --scope read --rate 10000 --burst 10000)"
write_key="$("$earshot" --quiet --db "$db" keys create --name "browser-write" --scope write --rate 10000 --burst 10000)"
start_server "$earshot" "$db" "$scratch"
echo "browser tests on $label at $base"
python3 - "$base" "$write_key" <<'PY'
import json, sys, urllib.request
base, key = sys.argv[1], sys.argv[2]
def call(path, body=None):
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                 headers={"authorization": f"Bearer {key}", "content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
if call("/v1/triage/queue?limit=1")["unanswered"] == 0:
    top = call("/v1/top?limit=3")["items"]
    msgs = [{"channel": "browser-test", "id": f"m{i}", "platform": t["platform"], "author": t["platform_id"],
             "text": text} for i, (t, text) in enumerate(zip(top, [
                 "my order never arrived, can you help?", "thanks for the quick reply", "where is my refund??"]))]
    call("/v1/triage/messages", {"messages": msgs})
    print(f"posted {len(msgs)} triage messages")
PY
status=0
node "$here/../tests/browser/dashboard.mjs" "$base" "$read_key" "$write_key" "$label" "$shots" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 40 lines)"; tail -n 40 "$scratch/server.log"
fi
exit "$status"
