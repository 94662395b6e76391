-- scorer.lua: turn tags into score rules -- the Lua twin of tag_scorer.so.
--
--   [plugin.scorer]
--   lua = scorer.lua
--   rule.AI_CHIPS    = topic:ai-chips, 3.0      ; TAG, POINTS
--   rule.CHIP_MAKERS = entity:org/*, 0.5, 3.0   ; PREFIX*, POINTS, MAX
--
-- For each rule the weights of the matching tags are summed; when the sum is
-- above 0 the rule scores POINTS * sum, at most MAX (at least -MAX for
-- negative points), with a reason that names what matched.

local p = { name = "scorer" }

-- The keys init reads (a family: rule.NAME); newsd refuses any other.
p.keys = { ["rule."] = "rule.NAME = TAG or PREFIX*, POINTS [, MAX]" }

local function trim(s) return (s:gsub("^%s+", ""):gsub("%s+$", "")) end

function p.init(conf)
  p.rules = {}
  for key, value in pairs(conf) do
    local name = key:match("^rule%.(.+)$")
    if name then
      local fields = {}
      for f in value:gmatch("[^,]+") do fields[#fields + 1] = trim(f) end
      local pattern, points = fields[1], tonumber(fields[2])
      local max = fields[3] and tonumber(fields[3]) or (fields[3] == nil and math.huge)
      if not pattern or pattern == "" or not points or not max or max < 0 or #fields > 3 then
        error(key .. " = " .. value .. ": expected TAG or PREFIX*, POINTS [, MAX]")
      end
      local prefix = pattern:match("^(.*)%*$")
      p.rules[#p.rules + 1] = { name = name, pattern = pattern, prefix = prefix,
                                points = points, max = max }
    end
  end
  -- pairs() has no order; sort so the breakdown reads the same every time.
  table.sort(p.rules, function(x, y) return x.name < y.name end)
  if #p.rules == 0 then newsd.log("warning", "no rule.NAME keys: this scorer scores nothing") end
end

local function clamp(r, v)
  if v > r.max then return r.max end
  if v < -r.max then return -r.max end
  return v
end

function p.score(a)
  for _, r in ipairs(p.rules) do
    if r.prefix then
      local sum, names = 0, {}
      for _, t in ipairs(a:tags(r.prefix)) do
        sum = sum + t.weight
        names[#names + 1] = t.name:sub(#r.prefix + 1)
      end
      if sum > 0 then
        a:score(r.name, clamp(r, r.points * sum), table.concat(names, ", "))
      end
    else
      local w = a:has_tag(r.pattern)
      if w and w > 0 then
        a:score(r.name, clamp(r, r.points * w), string.format("%s (weight %.2f)", r.pattern, w))
      end
    end
  end
end

return p
