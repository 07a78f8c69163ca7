-- One draw, atomically: take a chance, check the person's draw limits, then admit the picked
-- prize (stock, daily release, issuer limits, per-person limits, branch quota); when it is
-- gone, a guaranteed draw takes another real prize that is not (picked by weight with
-- rand2), and any other draw the fallback. Mirrors rules.draws.admit.
-- KEYS: 1 person hash, 2 stock hash, 3 today's release hash, 4 branch wins hash,
--       5 issuer limits hash (budget cents, pool codes), 6 the campaign's reconcile fence,
--       7 its flights (see runtime/flights.py)
-- ARGV[1]: JSON spec (runtime/draw.py _admission_spec): kind, day, branch, per-person limits,
--   branch_quota, candidate, fallback, alts (guaranteed draws: prize specs with weight w),
--   rand2, flight (this draw's flight), land (flights of committed draws to land first:
--   runtime/landings.py). A prize spec: {key, limited, daily, win, per_person,
--   costs: [[counter, n, min]]}.
-- Returns {status, prize, refused_reason, taken}; status: ok | no_chances | draws_per_day |
--   draws_total | busy (reconcile holds the fence); taken: JSON {counter: units taken} or ''.
local person, stock, release, branch, limits = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local s = cjson.decode(ARGV[1])
if s.land then redis.call('ZREM', KEYS[7], unpack(s.land)) end
if redis.call('EXISTS', KEYS[6]) == 1 then return {'busy', '', '', ''} end
local day = s.day

local function num(v) return tonumber(v) or 0 end

if num(redis.call('HGET', person, 'ch:' .. s.kind)) < 1 then
  return {'no_chances', '', '', ''}
end
if s.draws_per_day and num(redis.call('HGET', person, 'd:' .. day)) >= s.draws_per_day then
  return {'draws_per_day', '', '', ''}
end
if s.draws_total and num(redis.call('HGET', person, 'd')) >= s.draws_total then
  return {'draws_total', '', '', ''}
end

local function refuse(p)
  if p.limited and num(redis.call('HGET', stock, p.key)) < 1 then return 'stock' end
  if p.daily and num(redis.call('HGET', release, p.key)) >= p.daily then return 'daily_release' end
  if p.costs then
    for _, c in ipairs(p.costs) do
      if num(redis.call('HGET', limits, c[1])) < c[3] then return 'limit:' .. c[1] end
    end
  end
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

-- another real prize for a guaranteed draw: by weight among those that can still be given
local function replacement(alts, candidate, r)
  local allowed, total = {}, 0
  for _, a in ipairs(alts) do
    if a.key ~= candidate and a.w > 0 and not refuse(a) then
      allowed[#allowed + 1] = a
      total = total + a.w
    end
  end
  if total <= 0 then return nil end
  local target, cumulative = r * total, 0
  for _, a in ipairs(allowed) do
    cumulative = cumulative + a.w
    if target < cumulative then return a end
  end
  return allowed[#allowed]
end

local chosen, reason = s.candidate, ''
if chosen then
  local why = refuse(chosen)
  if why then
    reason = why
    local other = s.alts and replacement(s.alts, chosen.key, s.rand2 or 0) or nil
    chosen = other or s.fallback
    if chosen and not other and refuse(chosen) then chosen = nil end
  end
end

local now = redis.call('TIME')
redis.call('ZADD', KEYS[7], now[1] * 1000 + math.floor(now[2] / 1000), s.flight)
redis.call('HINCRBY', person, 'ch:' .. s.kind, -1)
redis.call('HINCRBY', person, 'd', 1)
redis.call('HINCRBY', person, 'd:' .. day, 1)
if not chosen then return {'ok', '', reason, ''} end
if chosen.limited then redis.call('HINCRBY', stock, chosen.key, -1) end
if chosen.daily then
  redis.call('HINCRBY', release, chosen.key, 1)
  redis.call('EXPIRE', release, 259200)
end
local taken = ''
if chosen.costs then
  local took = {}
  for _, c in ipairs(chosen.costs) do
    local n = math.min(c[2], num(redis.call('HGET', limits, c[1])))
    redis.call('HINCRBY', limits, c[1], -n)
    took[c[1]] = n
  end
  taken = cjson.encode(took)
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
return {'ok', chosen.key, reason, taken}
