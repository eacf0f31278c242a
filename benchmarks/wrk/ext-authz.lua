-- wrk script: the PDP's HTTP forward-auth (nginx auth_request protocol), each request the next line of the requests
-- file written by ExtAuthzBenchServer ("token TAB path TAB permit|deny": distinct users' tokens and dataset paths), as
-- GET /pdp/v1/ext-authz?service=... with X-Original-Method, X-Original-URI and Authorization. Each wrk thread starts
-- at its own offset. Counts 200, 403 and every other answer and the permits the file expects for the requests sent,
-- and prints one line "WRK_RESULT {json}" when the run is done, which mesh-check-benchmark.sh reads.
--   wrk -t2 -c16 -d20s -s ext-authz.lua http://127.0.0.1:PORT -- requests.tsv https%3A%2F%2Fscicat.bench.example
-- With a third argument "nginx" the second is a path prefix instead, and each request is the user's own request to
-- the facility service behind nginx, GET PREFIX..path with the bearer token (nginx-auth-benchmark.sh: "" goes through
-- auth_request, "/noauth" straight to the upstream):
--   wrk -t2 -c16 -d20s -s ext-authz.lua http://127.0.0.1:NGINX-PORT -- requests.tsv /noauth nginx
local threads = {}
local lines = {}
local next_line = 0
local path

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local token, p, expect = line:match("^([^\t]+)\t([^\t]+)\t(%a+)$")
    if token then table.insert(lines, {token = token, path = p, permit = expect == "permit"}) end
  end
  assert(#lines > 0, "no requests in " .. args[1])
  through_nginx = args[3] == "nginx"
  path = through_nginx and args[2] or "/pdp/v1/ext-authz?service=" .. args[2]
  ok200, denied403, other, expected = 0, 0, 0, 0
  next_line = (index * 7919) % #lines
end

function request()
  next_line = next_line % #lines + 1
  local r = lines[next_line]
  if r.permit then expected = expected + 1 end
  if through_nginx then
    return wrk.format("GET", path .. r.path, {["Authorization"] = "Bearer " .. r.token})
  end
  return wrk.format("GET", path, {["X-Original-Method"] = "GET", ["X-Original-URI"] = r.path,
    ["Authorization"] = "Bearer " .. r.token})
end

function response(status, headers, body)
  if status == 200 then
    ok200 = ok200 + 1
  elseif status == 403 then
    denied403 = denied403 + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local sum = {ok200 = 0, denied403 = 0, other = 0, expected = 0}
  for _, t in ipairs(threads) do
    for k in pairs(sum) do sum[k] = sum[k] + t:get(k) end
  end
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"ok200":%d,"denied403":%d,"other":%d,"expectedPermits":%d,'
    .. '"durationUs":%d,"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
    .. '"latencyUs":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, sum.ok200, sum.denied403, sum.other, sum.expected, summary.duration, e.connect, e.read, e.write,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
