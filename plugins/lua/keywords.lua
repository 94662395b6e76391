-- keywords.lua: tag an article when its title or body names words from a
-- list -- the Lua twin of keyword_tagger.so, driven by its config section:
--
--   [plugin.topics]
--   lua    = keywords.lua
--   words  = KI-Chip, AI chip, Halbleiter   ; comma-separated (or one per line)
--   tag    = topic:ai-chips                 ; one tag when any word is found,
--   prefix = entity:org/                    ; ...or one tag per word found
--   match  = substring                      ; or word (whole words only)
--
-- Matching ignores case the Unicode way ("SCHLIESSEN" finds "schließen").
-- In tag mode the weight says how sure the match is: each distinct word
-- found adds a third, so three or more words give 1.0.

local p = { name = "keywords" }

-- The keys init reads; newsd refuses a section with any other.
p.keys = {
  words = "comma-separated words (or one per line)",
  tag = "one tag when any word is found",
  prefix = "one tag per word found: PREFIX .. word",
  match = "substring (default) or word",
}

local WORDS_FOR_FULL_WEIGHT = 3

-- init runs once per Lua state (one per worker): keep what it computes in
-- the plugin table, never in the article.
function p.init(conf)
  p.words = {}
  for w in (conf.words or ""):gmatch("[^,\n]+") do
    w = w:match("^%s*(.-)%s*$")
    if w ~= "" then p.words[#p.words + 1] = w end
  end
  if #p.words == 0 then error("words: no words given") end
  if (conf.tag == nil) == (conf.prefix == nil) then
    error("give either tag = TAG or prefix = PREFIX")
  end
  p.tag_name, p.prefix = conf.tag, conf.prefix
  local match = conf.match or "substring"
  if match ~= "substring" and match ~= "word" then
    error("match = " .. match .. ": expected substring or word")
  end
  -- Pick the method once instead of testing the option per article.
  p.method = match == "word" and "contains_word" or "contains"
end

function p.tag(a)
  local found, method = 0, p.method
  for _, w in ipairs(p.words) do
    if a[method](a, w) then
      if p.prefix then
        a:tag(p.prefix .. w, 1.0)
      else
        found = found + 1
        if found >= WORDS_FOR_FULL_WEIGHT then break end
      end
    end
  end
  if found > 0 then
    a:tag(p.tag_name, math.min(1.0, found / WORDS_FOR_FULL_WEIGHT))
  end
end

return p
