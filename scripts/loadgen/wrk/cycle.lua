-- Each token of the file named after "--" in turn, in the request the second argument
-- names: "verify" (POST /api/token/verify/) or "protected" (GET /api/protected/).
local requests, n = {}, 0

function init(args)
  for token in io.lines(args[1]) do
    if args[2] == "verify" then
      requests[#requests + 1] = wrk.format("POST", "/api/token/verify/",
        { ["Content-Type"] = "application/json" }, '{"token":"' .. token .. '"}')
    else
      requests[#requests + 1] = wrk.format("GET", "/api/protected/", { ["Authorization"] = "Bearer " .. token })
    end
  end
end

function request()
  n = n % #requests + 1
  return requests[n]
end
