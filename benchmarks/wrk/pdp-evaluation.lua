-- wrk script: AuthZEN Access Evaluation requests with a bearer token, each request the next line of a file of
-- DISTINCT request bodies (one JSON object per line, made beforehand by pdp-benchmark.sh), so neither the PDP nor
-- anything in front of it can answer from a per-request cache. Each wrk thread starts at its own offset and cycles
-- the file. Counts HTTP 200 answers holding "decision":true and "decision":false and every other answer, and
-- prints one line "WRK_RESULT {json}" when the run is done, which pdp-benchmark.sh reads.
--   wrk -t2 -c16 -d20s -s pdp-evaluation.lua URL -- 'Bearer <token>' bodies.ndjson
local threads = {}
local bodies = {}
local next_body = 0

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Authorization"] = args[1]
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  permit, deny, non200, other = 0, 0, 0, 0
  for line in io.lines(args[2]) do
    if #line > 0 then table.insert(bodies, line) end
  end
  assert(#bodies > 0, "no request bodies in " .. args[2])
  next_body = (index * 7919) % #bodies
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  elseif string.find(body, '"decision":true', 1, true) then
    permit = permit + 1
  elseif string.find(body, '"decision":false', 1, true) then
    deny = deny + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local sum = {permit = 0, deny = 0, non200 = 0, other = 0}
  for _, t in ipairs(threads) do
    for k in pairs(sum) do sum[k] = sum[k] + t:get(k) end
  end
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"permit":%d,"deny":%d,"non200":%d,"other":%d,"durationUs":%d,'
    .. '"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
    .. '"latencyUs":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, sum.permit, sum.deny, sum.non200, sum.other, summary.duration, e.connect, e.read, e.write,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
