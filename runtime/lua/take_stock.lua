-- Take one unit of a prize outside a draw (issue_prize action).
-- KEYS: 1 stock hash, 2 today's release hash. ARGV: prize key, limited (1/0), daily release or ''.
if ARGV[2] == '1' and (tonumber(redis.call('HGET', KEYS[1], ARGV[1])) or 0) < 1 then return 0 end
if ARGV[3] ~= '' and (tonumber(redis.call('HGET', KEYS[2], ARGV[1])) or 0) >= tonumber(ARGV[3]) then
  return 0
end
if ARGV[2] == '1' then redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
if ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  redis.call('EXPIRE', KEYS[2], 259200)
end
return 1
