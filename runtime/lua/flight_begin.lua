-- Register a hot-state write of one campaign as in flight, unless reconcile holds the fence.
-- KEYS: 1 the campaign's fence, 2 its flights (sorted set: token -> start, ms of Redis TIME).
-- ARGV[1]: the flight's token. Returns 1 when registered, 0 while the fence is up.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local now = redis.call('TIME')
redis.call('ZADD', KEYS[2], now[1] * 1000 + math.floor(now[2] / 1000), ARGV[1])
return 1
