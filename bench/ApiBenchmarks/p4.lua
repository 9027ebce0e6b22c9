-- P4 load script for wrk (docs/benchmarks-api.md). Every request is built once in init(); request() hands them
-- out in turn, so the purchase runs and the /healthz baseline cost wrk the same per request.
--   P4_METHOD, P4_PATH, P4_BODY  the request (GET /healthz by default)
--   P4_TOKENS                    a file of shopper tokens, one a line: requests rotate their Authorization
--                                headers over them; unset or empty, requests carry no Authorization header
local method = os.getenv("P4_METHOD") or "GET"
local path = os.getenv("P4_PATH") or "/healthz"
local body = os.getenv("P4_BODY")
local tokens_file = os.getenv("P4_TOKENS")
if body == "" then body = nil end
if tokens_file == "" then tokens_file = nil end

local threads_seen = 0
local requests = {}
local next_index = 1

-- Runs in wrk's main state, once per thread: threads start at different shoppers.
function setup(thread)
  thread:set("thread_number", threads_seen)
  threads_seen = threads_seen + 1
end

function init(args)
  local headers = {}
  if body then headers["Content-Type"] = "application/json" end
  if tokens_file then
    for line in io.lines(tokens_file) do
      if #line > 0 then
        headers["Authorization"] = "Bearer " .. line
        requests[#requests + 1] = wrk.format(method, path, headers, body)
      end
    end
  end
  if #requests == 0 then
    requests[1] = wrk.format(method, path, headers, body)
  end
  next_index = ((thread_number or 0) * 7919) % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index + 1
  if next_index > #requests then next_index = 1 end
  return r
end
