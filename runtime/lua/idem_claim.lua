-- Claim an Idempotency-Key in one round trip (SET NX that also answers what was there).
-- KEYS[1]: the key's record. ARGV[1]: our claim (JSON), ARGV[2]: its TTL in seconds.
-- Returns the record already there, or false when the claim is ours now.
local found = redis.call('GET', KEYS[1])
if found then return found end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return false
