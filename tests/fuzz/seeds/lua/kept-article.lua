kept = a
local co = coroutine.wrap(function() coroutine.yield(a:title()) end)
co()
setmetatable({}, {__index = function() return a end})
