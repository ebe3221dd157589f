-- wrk script for bench/channels.py --client wrk: POSTs pre-signed deliveries, each once.
--
-- The deliveries file holds one line per delivery: path, timestamp, signature and body,
-- separated by tabs (bench/channels.py writes it; signing needs HMAC, which wrk's Lua
-- lacks). Thread k of T sends lines k, k+T, k+2T, ... so no two threads send the same
-- delivery. A thread that runs out starts again from its first line (a replay, which the
-- door acknowledges and stores nothing for); done() prints how many threads ran out so the
-- benchmark can tell a valid run from one that needs more lines.
--
--     wrk -t T -c C -d D -s bench/wrk_deliveries.lua http://127.0.0.1:PORT -- FILE T

local threads = {}

function setup(thread)
   thread:set("index", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file, count = args[1], tonumber(args[2])
   requests, sent, wrapped, refused = {}, 0, 0, 0
   local line_number = 0
   for line in io.lines(file) do
      if line_number % count == index then
         local path, stamp, signature, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
         requests[#requests + 1] = wrk.format("POST", path, {
            ["Content-Type"] = "application/json",
            ["X-Aduan-Timestamp"] = stamp,
            ["X-Aduan-Signature"] = signature,
         }, body)
      end
      line_number = line_number + 1
   end
end

function request()
   sent = sent + 1
   if sent > #requests then
      sent, wrapped = 1, 1
   end
   return requests[sent]
end

function response(status, headers, body)
   if status ~= 200 then
      refused = refused + 1
   end
end

function done(summary, latency, requests_summary)
   local ran_out, not_ok = 0, 0
   for _, thread in ipairs(threads) do
      ran_out = ran_out + thread:get("wrapped")
      not_ok = not_ok + thread:get("refused")
   end
   io.write(string.format("WRK requests=%d duration_us=%d not_ok=%d socket_errors=%d "
                             .. "ran_out=%d p50_us=%d p99_us=%d\n",
                          summary.requests, summary.duration, not_ok,
                          summary.errors.connect + summary.errors.read + summary.errors.write
                             + summary.errors.timeout,
                          ran_out, latency:percentile(50), latency:percentile(99)))
end
