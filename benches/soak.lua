-- wrk script for benches/soak.sh: the searches of benches/search.lua, in
-- turn, with every answer's status counted (2xx, 4xx, 5xx, other) across
-- wrk's threads; `done` prints them on one line for the script to read.
dofile("benches/search.lua")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, client_errors, server_errors, other = 0, 0, 0, 0
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    client_errors = client_errors + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = { ok = 0, client_errors = 0, server_errors = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do
      t[k] = t[k] + thread:get(k)
    end
  end
  io.write(string.format(
    "statuses: 2xx %d 4xx %d 5xx %d other %d; requests %d; socket errors: connect %d read %d write %d timeout %d; latency p50 %.1f ms p99 %.1f ms max %.1f ms\n",
    t.ok, t.client_errors, t.server_errors, t.other, summary.requests,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
