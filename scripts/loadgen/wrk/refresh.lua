-- POST /api/token/refresh/ with a refresh token just given: the tokens of the file named
-- after "--" start a queue, each answer's new refresh token joins it, and each request
-- takes the oldest. A connection sends its next request once answered, so the queue holds
-- one token per connection and none is presented twice; an answer without a token leaves
-- the queue short, and a request then sends a spent one, which is refused and reported.
-- loadgen gives one token more than there are connections: wrk 4.1 calls request() once
-- before it connects (to count pipelined requests), which takes the spare.
local queue, head, tail = {}, 1, 0

function init(args)
  for token in io.lines(args[1]) do
    tail = tail + 1
    queue[tail] = token
  end
end

function request()
  local token = "spent"
  if head <= tail then
    token, queue[head] = queue[head], nil
    head = head + 1
  end
  return wrk.format("POST", "/api/token/refresh/", { ["Content-Type"] = "application/json" },
    '{"refresh":"' .. token .. '"}')
end

function answered(status, body)
  local token = body:match('"refresh":"([^"]+)"')
  if token then
    tail = tail + 1
    queue[tail] = token
  end
end
