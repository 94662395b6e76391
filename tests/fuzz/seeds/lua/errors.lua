local ok, e = pcall(function() return a:score('X', 1) end)
assert(not ok)
error({})
