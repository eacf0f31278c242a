-- wrk script: RFC 8693 token exchanges with client_secret_basic, each request with the next of a file of
-- DISTINCT subject tokens (one complete form body per line, made beforehand by token-benchmark.sh), so a
-- server cannot answer from a per-token cache. Each wrk thread starts at its own offset and cycles the file.
--   wrk -t2 -c16 -d20s -s token-exchange.lua URL -- 'Basic <base64(id:secret)>' forms.txt
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")

local forms = {}
local next_form = 0

function init(args)
  common_init(args[1])
  for line in io.lines(args[2]) do
    if #line > 0 then table.insert(forms, line) end
  end
  assert(#forms > 0, "no forms in " .. args[2])
  next_form = (index * 7919) % #forms
end

function request()
  next_form = next_form % #forms + 1
  return wrk.format(nil, nil, nil, forms[next_form])
end
