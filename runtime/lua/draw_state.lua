-- Everything a draw reads before it picks, in one call, as one JSON document: [person hash,
-- stock hash, today's release hash, branch wins hash, issuer limits hash, boosts list (<= 50)].
-- KEYS: 1 person hash, 2 stock hash, 3 today's release hash, 4 branch wins hash,
-- 5 issuer limits hash, 6 boosts list
local function hash(key)
  local flat = redis.call('HGETALL', key)
  local out = {}
  for i = 1, #flat, 2 do out[flat[i]] = flat[i + 1] end
  return out
end
return cjson.encode({
  hash(KEYS[1]), hash(KEYS[2]), hash(KEYS[3]), hash(KEYS[4]), hash(KEYS[5]),
  redis.call('LRANGE', KEYS[6], 0, 49)
})
