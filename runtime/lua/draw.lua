-- One draw, atomically: take a chance, check the person's draw limits, then admit the picked
-- prize (stock, daily release, per-person limits, branch quota) or fall back.
-- KEYS: 1 person hash, 2 stock hash, 3 today's release hash, 4 branch wins hash,
--       5 the campaign's reconcile fence, 6 its flights (see runtime/flights.py)
-- ARGV[1]: JSON spec (see runtime/hotstate.py admit_draw); spec.flight names this draw's flight
-- Returns {status, prize, refused_reason};
-- status: ok | no_chances | draws_per_day | draws_total | busy (reconcile holds the fence)
local person, stock, release, branch = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
if redis.call('EXISTS', KEYS[5]) == 1 then return {'busy', '', ''} end
local s = cjson.decode(ARGV[1])
local day = s.day

local function num(v) return tonumber(v) or 0 end

if num(redis.call('HGET', person, 'ch:' .. s.kind)) < 1 then
  return {'no_chances', '', ''}
end
if s.draws_per_day and num(redis.call('HGET', person, 'd:' .. day)) >= s.draws_per_day then
  return {'draws_per_day', '', ''}
end
if s.draws_total and num(redis.call('HGET', person, 'd')) >= s.draws_total then
  return {'draws_total', '', ''}
end

local function refuse(p)
  if p.limited and num(redis.call('HGET', stock, p.key)) < 1 then return 'stock' end
  if p.daily and num(redis.call('HGET', release, p.key)) >= p.daily then return 'daily_release' end
  if not p.win then return nil end
  if p.per_person and num(redis.call('HGET', person, 'wp:' .. p.key)) >= p.per_person then
    return 'per_person_limit'
  end
  if s.wins_total and num(redis.call('HGET', person, 'w')) >= s.wins_total then
    return 'person_wins_total'
  end
  if s.wins_per_day and num(redis.call('HGET', person, 'w:' .. day)) >= s.wins_per_day then
    return 'person_wins_per_day'
  end
  if s.branch_quota and num(redis.call('HGET', branch, s.branch)) >= s.branch_quota then
    return 'branch_quota'
  end
  return nil
end

local chosen, reason = s.candidate, ''
if chosen then
  local why = refuse(chosen)
  if why then
    reason = why
    chosen = s.fallback
    if chosen and refuse(chosen) then chosen = nil end
  end
end

local now = redis.call('TIME')
redis.call('ZADD', KEYS[6], now[1] * 1000 + math.floor(now[2] / 1000), s.flight)
redis.call('HINCRBY', person, 'ch:' .. s.kind, -1)
redis.call('HINCRBY', person, 'd', 1)
redis.call('HINCRBY', person, 'd:' .. day, 1)
if not chosen then return {'ok', '', reason} end
if chosen.limited then redis.call('HINCRBY', stock, chosen.key, -1) end
if chosen.daily then
  redis.call('HINCRBY', release, chosen.key, 1)
  redis.call('EXPIRE', release, 259200)
end
if chosen.win then
  redis.call('HINCRBY', person, 'w', 1)
  redis.call('HINCRBY', person, 'w:' .. day, 1)
  redis.call('HINCRBY', person, 'wp:' .. chosen.key, 1)
  if s.branch ~= '' then redis.call('HINCRBY', branch, s.branch, 1) end
  if redis.call('HGET', person, 'guarantee') == chosen.key then
    redis.call('HDEL', person, 'guarantee')
  end
end
return {'ok', chosen.key, reason}
