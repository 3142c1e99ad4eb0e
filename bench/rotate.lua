-- bench/rotate.lua - wrk script: GET the paths of the file $PATHS (one a line)
-- in rotation, over every connection of the wrk thread (bench/bench_serve.sh).
local paths = {}
for line in io.lines(os.getenv("PATHS")) do
  paths[#paths + 1] = line
end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
