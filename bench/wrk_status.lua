-- wrk script for bench/http_load.py: counts responses per status class in every wrk thread and
-- prints one machine-readable line at the end, so 5xx and other non-2xx answers are exact and
-- the percentiles come from wrk's own histogram rather than its rounded text.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s1, s2, s3, s4, s5, sx = 0, 0, 0, 0, 0, 0
end

function response(status, headers, body)
  local class = math.floor(status / 100)
  if class == 2 then
    s2 = s2 + 1
  elseif class == 3 then
    s3 = s3 + 1
  elseif class == 4 then
    s4 = s4 + 1
  elseif class == 5 then
    s5 = s5 + 1
  elseif class == 1 then
    s1 = s1 + 1
  else
    sx = sx + 1
  end
end

function done(summary, latency, requests)
  local total = {s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, sx = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(total) do
      total[name] = total[name] + (thread:get(name) or 0)
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d "
      .. "s1xx=%d s2xx=%d s3xx=%d s4xx=%d s5xx=%d sother=%d "
      .. "connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, total.s1, total.s2, total.s3, total.s4, total.s5, total.sx,
    errors.connect, errors.read, errors.write, errors.timeout))
end
