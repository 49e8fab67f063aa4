-- wrk script for scripts/bench_api.sh: GET account lookups spread over a file of paths (one per line),
-- each thread starting at a different place, with the bearer key from EARSHOT_KEY. At the end it prints
-- one machine-readable line: requests/s, latency percentiles (ms) and every kind of error.
local paths = {}
local next_path = 1
local auth = "Bearer " .. (os.getenv("EARSHOT_KEY") or "")
local thread_no = 0

function setup(thread)
  thread:set("thread_no", thread_no)
  thread_no = thread_no + 1
end

function init(args)
  local file = assert(io.open(args[1] or "paths.txt"), "cannot open the paths file")
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  assert(#paths > 0, "the paths file is empty")
  next_path = 1 + (thread_no * 7919) % #paths
end

function request()
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format("GET", path, { ["Authorization"] = auth })
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
