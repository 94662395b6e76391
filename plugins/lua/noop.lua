-- noop.lua: a tag plugin that does nothing -- the cost of calling into Lua
-- once per article (bench/bench.py measures it).
return { name = "noop", keys = {}, tag = function(a) end }
