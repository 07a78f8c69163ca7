-- Every rate limit of one request counted in one call: fixed windows as the `limits`
-- library keeps them (INCR; EXPIRE when the hit opens the window).
-- KEYS: one counter per limit. ARGV: each limit's window in seconds, in the same order.
-- Returns each counter's value after this hit.
local counts = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = n
end
return counts
