-- Give back what draw.lua took when the SQL write of that draw failed.
-- KEYS: 1-5 as draw.lua (5 issuer limits), 6 the campaign's flights.
-- ARGV[1]: JSON {kind, day, branch, flight, prize: {key, limited, daily, win} or null,
--               keep_stock, taken: {counter: units} (issuer limits draw.lua took)};
--               keep_stock: the unit of stock is not given back (the database's stock CHECK
--               refused it: Redis counted a unit the ledger does not have).
local person, stock, release, branch, limits = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local s = cjson.decode(ARGV[1])
redis.call('ZREM', KEYS[6], s.flight)
redis.call('HINCRBY', person, 'ch:' .. s.kind, 1)
redis.call('HINCRBY', person, 'd', -1)
redis.call('HINCRBY', person, 'd:' .. s.day, -1)
local p = s.prize
if p then
  if p.limited and not s.keep_stock then redis.call('HINCRBY', stock, p.key, 1) end
  if p.daily then redis.call('HINCRBY', release, p.key, -1) end
  if p.win then
    redis.call('HINCRBY', person, 'w', -1)
    redis.call('HINCRBY', person, 'w:' .. s.day, -1)
    redis.call('HINCRBY', person, 'wp:' .. p.key, -1)
    if s.branch ~= '' then redis.call('HINCRBY', branch, s.branch, -1) end
  end
end
if s.taken then
  for counter, n in pairs(s.taken) do redis.call('HINCRBY', limits, counter, n) end
end
return 1
