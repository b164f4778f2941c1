-- POST /api/token/refresh/ with a refresh token just given: the tokens of the file named
-- after "--" start a queue, each answer's new refresh token joins it, and each request
-- takes the oldest. A connection sends its next request once answered, so the queue holds
-- one token per connection and none is presented twice; an answer without a token leaves
-- the queue short, and a request then sends a spent one, which is refused and reported.
-- loadgen gives one token more than there are connections: wrk 4.1 calls request() once
-- before it connects (to count pipelined requests), which takes the spare.
-- The request is built by concatenation around a prefix made once, and the token found
-- with plain searches: wrk.format and a pattern cost wrk more CPU per refresh than the
-- server spends on some of its parts, on the same two cores.
local queue, head, tail = {}, 1, 0
local prefix, open = nil, '{"refresh":"'

function init(args)
  for token in io.lines(args[1]) do
    tail = tail + 1
    queue[tail] = token
  end
  local host = wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
  prefix = "POST /api/token/refresh/ HTTP/1.1\r\nHost: " .. host ..
    "\r\nContent-Type: application/json\r\nContent-Length: "
end

function request()
  local token = "spent"
  if head <= tail then
    token, queue[head] = queue[head], nil
    head = head + 1
  end
  local body = open .. token .. '"}'
  return prefix .. #body .. "\r\n\r\n" .. body
end

function answered(status, body)
  local from = body:find('"refresh":"', 1, true)
  if from then
    from = from + 11
    local to = body:find('"', from, true)
    if to then
      tail = tail + 1
      queue[tail] = body:sub(from, to - 1)
    end
  end
end
