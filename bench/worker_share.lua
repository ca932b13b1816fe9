-- wrk script: counts answers per X-Worker-Pid and prints each worker's share at the end.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() counts = {} end
function response(status, headers, body)
  local pid = headers["X-Worker-Pid"] or "none"
  counts[pid] = (counts[pid] or 0) + 1
end
function done()
  local total, all = 0, {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for pid, n in pairs(c) do all[pid] = (all[pid] or 0) + n; total = total + n end
  end
  for pid, n in pairs(all) do io.write(string.format("share pid %s %d %.1f%%\n", pid, n, 100 * n / total)) end
end
