-- Shared by client-credentials.lua and token-exchange.lua (loaded with dofile): counts every answer per wrk
-- thread (HTTP 200 with an access_token, HTTP 200 without one, any other status) and prints one line
-- "WRK_RESULT {json}" when the run is done, which token-benchmark.sh reads. Headers common to both grants are
-- set here; the grant's script sets the body.
local threads = {}

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function common_init(basic)
  wrk.method = "POST"
  wrk.headers["Authorization"] = basic
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/json"
  ok, non200, no_token = 0, 0, 0
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  elseif not string.find(body, '"access_token"', 1, true) then
    no_token = no_token + 1
  else
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local sum = {ok = 0, non200 = 0, no_token = 0}
  for _, t in ipairs(threads) do
    for k in pairs(sum) do sum[k] = sum[k] + t:get(k) end
  end
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"ok200":%d,"non200":%d,"noToken":%d,"durationUs":%d,'
    .. '"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
    .. '"latencyUs":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, sum.ok, sum.non200, sum.no_token, summary.duration, e.connect, e.read, e.write, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
