-- The part of every wrk script of loadgen (-wrk): it counts the answers by status in each
-- thread and prints one line of raw figures, which loadgen turns into its own report.
statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if answered then
    answered(status, body)
  end
end

function done(summary, latency, requests)
  local parts = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      parts[#parts + 1] = code .. ":" .. n
    end
  end
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d errors=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ",")))
end
