local n, unit = a:find('(%d+,%d+) (%a+)')
assert(a:find('^Chinas') == 'Chinas')
local w = {}
for word in a:words() do w[#w + 1] = word end
assert(w[1] == 'chinas')
