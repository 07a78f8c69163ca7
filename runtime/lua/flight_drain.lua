-- Reconcile's question: how many writes of this campaign are still in flight?
-- Flights that started more than ARGV[1] ms ago are dead (their process died between its
-- Redis change and landing) and are dropped first. KEYS[1]: the campaign's flights.
local now = redis.call('TIME')
local ms = now[1] * 1000 + math.floor(now[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ms - tonumber(ARGV[1]))
return redis.call('ZCARD', KEYS[1])
