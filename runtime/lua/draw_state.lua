-- Everything a draw reads before it picks, in one call, as one JSON document:
-- [person hash, stock hash, today's release hash, branch wins hash, boosts list (<= 50)].
-- KEYS: 1 person hash, 2 stock hash, 3 today's release hash, 4 branch wins hash, 5 boosts list
local function hash(key)
  local flat = redis.call('HGETALL', key)
  local out = {}
  for i = 1, #flat, 2 do out[flat[i]] = flat[i + 1] end
  return out
end
return cjson.encode({
  hash(KEYS[1]), hash(KEYS[2]), hash(KEYS[3]), hash(KEYS[4]), redis.call('LRANGE', KEYS[5], 0, 49)
})
