-- wrk script for bench/draw_load.py: POSTs "{}" with a participant token rotated per request,
-- counts the answers by status, and prints one JSON line of results in done().
--   wrk ... -s bench/wrk/load.lua URL -- TOKENS_FILE [RATE_PER_THREAD]
-- TOKENS_FILE: one bearer token per line ("-": no Authorization header).
-- RATE_PER_THREAD > 0: paced. Each thread hands out send slots at a fixed interval (each free
-- connection takes the next slot and waits for it); a slot a connection reaches late is
-- counted with its lateness, so a server that falls behind the schedule shows up as late
-- sends instead of hiding in the latency (wrk times a request from its actual send).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  table.insert(threads, thread)
end

-- globals: done() reads them from each thread with thread:get
statuses, late, late_ms_max, late_ms_sum = {}, 0, 0, 0
local tokens, requests, sent = {}, {}, 0
local interval, next_slot

function init(args)
  if args[1] ~= "-" then
    for line in io.lines(args[1]) do
      if line ~= "" then tokens[#tokens + 1] = line end
    end
  end
  local count = math.max(1, #tokens)
  for i = 1, count do
    local headers = { ["Content-Type"] = "application/json" }
    if #tokens > 0 then headers["Authorization"] = "Bearer " .. tokens[i] end
    requests[i] = wrk.format("POST", nil, headers, "{}")
  end
  sent = (index or 1) * 7 -- threads start at different participants
  local rate = tonumber(args[2] or "0")
  if rate > 0 then
    interval = 1000 / rate
    delay = function()
      local now = now_ms()
      if next_slot == nil then next_slot = now + math.random() * interval end
      local slot = next_slot
      next_slot = next_slot + interval
      local wait = slot - now
      if wait < -1 then
        late = late + 1
        late_ms_sum = late_ms_sum - wait
        if -wait > late_ms_max then late_ms_max = -wait end
      end
      return math.max(0, math.floor(wait + 0.5))
    end
  end
end

function request()
  sent = sent + 1
  return requests[sent % #requests + 1]
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency)
  local by_status, lates, late_max, late_sum = {}, 0, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
    end
    lates = lates + thread:get("late")
    late_sum = late_sum + thread:get("late_ms_sum")
    late_max = math.max(late_max, thread:get("late_ms_max"))
  end
  local parts = {}
  for status, n in pairs(by_status) do parts[#parts + 1] = string.format('"%d": %d', status, n) end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d}, "statuses": {%s}, "late": %d, "late_ms_max": %.1f, "late_ms_sum": %.1f}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.timeout,
    table.concat(parts, ", "), lates, late_max, late_sum))
end
