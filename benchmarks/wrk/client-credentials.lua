-- wrk script: OAuth 2.0 client_credentials grants with client_secret_basic, the same form every time.
--   wrk -t2 -c16 -d20s -s client-credentials.lua URL -- 'Basic <base64(id:secret)>' 'grant_type=client_credentials&scope=...'
dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "common.lua")

function init(args)
  common_init(args[1])
  wrk.body = args[2]
end
