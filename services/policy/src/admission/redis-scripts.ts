/**
 * The Lua scripts of the Redis limit store. Each runs atomically in Redis, so an admission is one
 * round trip that checks and reserves at once, exact however many policy replicas run. Time is
 * Redis's own (`TIME`), so replicas with skewed clocks still agree. The rules mirror
 * limit-rules.ts line for line; the same test table runs against both.
 *
 * Keys per scope (`key:<id>` or `team:<id>`):
 * - `sy:rl:<scope>`: hash of the GCRA timestamps, `r` (requests) and `t` (tokens), and `ti`, the
 *   milliseconds one token stands for (for reconciling); expires an hour after it is back to full.
 * - `sy:rl:<scope>:inflight`: sorted set of the requests in flight, scored by their deadline, so a
 *   slot whose completion event was lost frees itself when the request could no longer be running.
 * - `sy:spend:<scope>:<period>`: USD spent, one counter per day, month and in total.
 */

const PRELUDE = `
local WINDOW, EPSILON = 60000, 0.01
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local function fmt(x) return string.format('%.17g', x) end
local function keep(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
`;

/**
 * KEYS: per scope, `sy:rl:<scope>`, `sy:rl:<scope>:inflight`, `sy:spend:<scope>:<budget period>`.
 * ARGV: request id, tokens, deadline (epoch ms), then per scope rpm, tpm, max concurrency and
 * max USD, 0 where there is no such limit.
 * Returns: refusal reason ('' when admitted), refused scope index (-1), retry after ms, then per
 * scope requests remaining and reset ms, tokens remaining and reset ms (-1 without that limit), and
 * spend.
 */
export const ADMIT_SCRIPT = `${PRELUDE}
local id, tokens, deadline = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local RANK = { budget = 4, concurrency = 3, requests = 2, tokens = 1 }
local reason, refusedScope, retry = '', -1, 0
local function refuse(why, i, wait)
  if wait > retry then retry = wait end
  if reason == '' or RANK[why] > RANK[reason] then reason, refusedScope = why, i end
end
local function gcra(tat, cost, limit)
  local interval = WINDOW / limit
  local start = math.max(tat or now, now)
  local after = start + cost * interval
  return { interval = interval, start = start, after = after, allowed = after - now <= WINDOW + EPSILON }
end
local function retryOf(g) return math.max(1, math.ceil(g.after - WINDOW - now)) end

local scopes = #KEYS / 3
local checks = {}
for i = 0, scopes - 1 do
  local state, inflight, spend = KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3]
  local rpm, tpm = tonumber(ARGV[4 * i + 4]), tonumber(ARGV[4 * i + 5])
  local conc, budget = tonumber(ARGV[4 * i + 6]), tonumber(ARGV[4 * i + 7])
  local c = { spend = 0, conc = conc }
  if budget > 0 then
    c.spend = tonumber(redis.call('GET', spend) or '0')
    if c.spend >= budget then refuse('budget', i, 0) end
  end
  if conc > 0 then
    redis.call('ZREMRANGEBYSCORE', inflight, '-inf', fmt(now))
    if redis.call('ZCARD', inflight) >= conc or redis.call('ZSCORE', inflight, id) then
      refuse('concurrency', i, 1000)
    end
  end
  if rpm > 0 then
    c.r = gcra(tonumber(redis.call('HGET', state, 'r')), 1, rpm)
    if not c.r.allowed then refuse('requests', i, retryOf(c.r)) end
  end
  if tpm > 0 then
    c.t = gcra(tonumber(redis.call('HGET', state, 't')), tokens, tpm)
    if not c.t.allowed then refuse('tokens', i, retryOf(c.t)) end
  end
  checks[i + 1] = c
end

local admitted = reason == ''
local out = { reason, refusedScope, retry }
local function report(g)
  if not g then
    out[#out + 1] = -1
    out[#out + 1] = -1
    return
  end
  local tat = g.start
  if admitted then tat = g.after end
  out[#out + 1] = math.max(0, math.floor((now + WINDOW - tat) / g.interval + 1e-6))
  out[#out + 1] = math.ceil(tat - now)
end
for i = 0, scopes - 1 do
  local c, state, inflight = checks[i + 1], KEYS[3 * i + 1], KEYS[3 * i + 2]
  if admitted then
    local full = 0
    if c.r then
      redis.call('HSET', state, 'r', fmt(c.r.after))
      full = c.r.after
    end
    if c.t then
      redis.call('HSET', state, 't', fmt(c.t.after), 'ti', fmt(c.t.interval))
      full = math.max(full, c.t.after)
    end
    if full > 0 then keep(state, math.ceil(full - now) + 3600000) end
    if c.conc > 0 then
      redis.call('ZADD', inflight, fmt(deadline), id)
      keep(inflight, math.ceil(deadline - now) + 60000)
    end
  end
  report(c.r)
  report(c.t)
  out[#out + 1] = fmt(c.spend)
end
return out
`;

/**
 * Settles finished requests, any number in one call. KEYS: for each request in turn, per scope
 * `sy:rl:<scope>`, `sy:rl:<scope>:inflight`, then one spend counter per period. ARGV: for each
 * request in turn its id, 1 if policy admitted it (it holds a slot and a reservation) else 0,
 * token delta, cost USD, number of scopes, number of periods, then each period's retention in ms
 * (0: kept for ever).
 */
export const RECONCILE_SCRIPT = `${PRELUDE}
local arg, key = 1, 1
while arg <= #ARGV do
  local id, admitted = ARGV[arg], ARGV[arg + 1] == '1'
  local delta, cost = tonumber(ARGV[arg + 2]), tonumber(ARGV[arg + 3])
  local scopes, periods = tonumber(ARGV[arg + 4]), tonumber(ARGV[arg + 5])
  for i = 1, scopes do
    local state, inflight = KEYS[key], KEYS[key + 1]
    if admitted then redis.call('ZREM', inflight, id) end
    if admitted and delta ~= 0 then
      local tat, interval = tonumber(redis.call('HGET', state, 't')), tonumber(redis.call('HGET', state, 'ti'))
      if tat and interval then
        local after = math.max(math.max(tat, now) + delta * interval, now)
        redis.call('HSET', state, 't', fmt(after))
        keep(state, math.ceil(after - now) + 3600000)
      end
    end
    if cost > 0 then
      for p = 1, periods do
        local spend = KEYS[key + 1 + p]
        redis.call('INCRBYFLOAT', spend, ARGV[arg + 3])
        local retention = tonumber(ARGV[arg + 5 + p])
        if retention > 0 then keep(spend, retention) end
      end
    end
    key = key + 2 + periods
  end
  arg = arg + 6 + periods
end
return 1
`;
