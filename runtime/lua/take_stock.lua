-- Take one unit of a prize outside a draw (issue_prize action), with its issuer limits.
-- KEYS: 1 stock hash, 2 today's release hash, 3 issuer limits hash.
-- ARGV: prize key, limited (1/0), daily release or '', costs JSON [[counter, n, min]] or ''.
-- Returns 0 when the prize cannot be given, else JSON {counter: units taken}.
local num = function(v) return tonumber(v) or 0 end
if ARGV[2] == '1' and num(redis.call('HGET', KEYS[1], ARGV[1])) < 1 then return 0 end
if ARGV[3] ~= '' and num(redis.call('HGET', KEYS[2], ARGV[1])) >= tonumber(ARGV[3]) then
  return 0
end
local costs = {}
if ARGV[4] and ARGV[4] ~= '' then costs = cjson.decode(ARGV[4]) end
for _, c in ipairs(costs) do
  if num(redis.call('HGET', KEYS[3], c[1])) < c[3] then return 0 end
end
if ARGV[2] == '1' then redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
if ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  redis.call('EXPIRE', KEYS[2], 259200)
end
local took = {}
for _, c in ipairs(costs) do
  local n = math.min(c[2], num(redis.call('HGET', KEYS[3], c[1])))
  redis.call('HINCRBY', KEYS[3], c[1], -n)
  took[c[1]] = n
end
return cjson.encode(took)
