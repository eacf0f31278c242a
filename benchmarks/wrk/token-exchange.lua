-- wrk script: RFC 8693 token exchanges with client_secret_basic, each request with the next of a file of
-- DISTINCT subject tokens (one complete form body per line, made beforehand by token-benchmark.sh), so a
-- server cannot answer from a per-token cache. Line i of the file comes from login (user session) i mod S; with
-- T wrk threads, thread t sends only the lines i with i mod T = t, in turn, and cycles them. When S is a multiple
-- of T, no two threads ever send tokens of the same session, and a thread's requests in flight are consecutive
-- lines of its share, so they come from different sessions as long as S / T is at least the connections per
-- thread (Keycloak updates the session on every exchange; concurrent exchanges of one session can fail there).
--   wrk -t2 -c16 -d20s -s token-exchange.lua URL -- 'Basic <base64(id:secret)>' forms.txt 2
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")

local forms = {}
local next_form = 0

function init(args)
  common_init(args[1])
  local threads = tonumber(args[3] or "1")
  assert(threads and threads >= 1, "the third argument is the number of wrk threads")
  local i = 0
  for line in io.lines(args[2]) do
    if #line > 0 then
      if i % threads == index % threads then table.insert(forms, line) end
      i = i + 1
    end
  end
  assert(#forms > 0, "no forms for thread " .. index .. " in " .. args[2])
end

function request()
  next_form = next_form % #forms + 1
  return wrk.format(nil, nil, nil, forms[next_form])
end
