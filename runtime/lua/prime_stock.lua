-- Publish-time stock update that is safe beside live draws. KEYS[1]: stock hash.
-- ARGV[1]: JSON [{key, left, delta}]: a prize already primed moves by `delta` (the change of its
-- stock_total), a new one is set to `left`; `left` null removes the field (unlimited).
local items = cjson.decode(ARGV[1])
for _, it in ipairs(items) do
  if it.left == cjson.null then
    redis.call('HDEL', KEYS[1], it.key)
  elseif redis.call('HEXISTS', KEYS[1], it.key) == 1 then
    redis.call('HINCRBY', KEYS[1], it.key, it.delta)
  else
    redis.call('HSET', KEYS[1], it.key, it.left)
  end
end
return #items
