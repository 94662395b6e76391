for i = 1, 2000 do a:tag('t' .. i, i) end
for i = 1, 2000 do a:has_tag('t' .. i) end
