"""End-to-end tests of the text layer (ABI 1.2, issue 8): loaded by run.py.

One analysis per article, seen alike from C (docs/examples/top_stem.c, the
example of docs/plugins.md) and from Lua (a:tokens(), a:stems(),
a:sentences()), in the languages newsd stems and in one it does not."""

import json
import re
import time

from __main__ import test, check, SAMPLE, SAMPLE_TITLE, SOURCE_ROOT, GNAD_DIR, tag_names


# Tags what it sees, so the record shows it: the counts, the first stem,
# the C plugin's top stem found among its own stems, and the organisations
# keyword_tagger tagged (entity:org/) found among its tokens.
TEXT_PROBE = """
local p = { name = "text_probe" }
function p.tag(a)
  local tokens, stems, sentences = a:tokens(), a:stems(), a:sentences()
  assert(#tokens == #stems, "tokens and stems differ in length")
  a:tag("text:tokens/" .. #tokens)
  a:tag("text:sentences/" .. #sentences)
  if #stems > 0 then a:tag("text:first-stem/" .. stems[1]) end
  if #sentences > 0 then a:tag("text:first-sentence-bytes/" .. #sentences[1]) end
  local counts = {}
  for _, s in ipairs(stems) do counts[s] = (counts[s] or 0) + 1 end
  for _, t in ipairs(a:tags("stem:")) do
    local stem = t.name:sub(#"stem:" + 1)
    if (counts[stem] or 0) >= 2 then a:tag("text:lua-sees/" .. stem) end
  end
  for _, t in ipairs(a:tags("entity:org/")) do
    local org = t.name:sub(#"entity:org/" + 1)
    local words = {}
    for w in org:gmatch("%S+") do words[#words + 1] = w end
    for i = 1, #tokens - #words + 1 do
      local k = 0
      while k < #words and tokens[i + k] == words[k + 1] do k = k + 1 end
      if k == #words then a:tag("text:org-token/" .. org); break end
    end
  end
  local stemmed = 0
  for i = 1, #tokens do
    if stems[i] ~= tokens[i]:lower() then stemmed = stemmed + 1 end
  end
  if stemmed == 0 then a:tag("text:stems-are-tokens") end
  a:tag("text:stemmed/" .. stemmed)
end
return p
"""


def text_plugins(ctx, **probe_keys):
    folder = ctx.base / "lua"
    folder.mkdir(exist_ok=True)
    script = folder / "text_probe.lua"
    script.write_text(TEXT_PROBE, encoding="utf-8")
    top_stem = ctx.build / "tests" / "e2e" / "top_stem.so"
    check(top_stem.exists(), f"{top_stem} is not built")
    return ctx.plugins_with(("top_stem", {"so": str(top_stem)}),
                            ("text_probe", dict({"lua": str(script)}, **probe_keys)))


def json_article(title, body, lang):
    return json.dumps({"title": title, "body": body, "lang": lang}, ensure_ascii=False).encode("utf-8")


def sample_body():
    text = SAMPLE.read_text(encoding="utf-8")
    check(SAMPLE_TITLE in text, "the sample has its title")
    return text[text.index(SAMPLE_TITLE) + len(SAMPLE_TITLE):].strip()


def tag_values(rec, prefix):
    return [t[len(prefix):] for t in tag_names(rec) if t.startswith(prefix)]


@test()
def text_c_and_lua_see_one_analysis(ctx):
    """German article: the C example tags its top stem, the Lua plugin finds
    that stem among a:stems(), the orgs of keyword_tagger among a:tokens(),
    and German stems (not norms) in a:stems()."""
    ctx.write_config(text_plugins(ctx))
    ctx.start()
    id_ = ctx.drop("sample.json", json_article(SAMPLE_TITLE, sample_body(), "de"))
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    top = tag_values(rec, "stem:")
    check(len(top) == 1, f"top_stem tags {top}: {sorted(tag_names(rec))}")
    check(tag_values(rec, "text:lua-sees/") == top, f"Lua does not see the C stem {top}: "
          f"{tag_values(rec, 'text:lua-sees/')}")
    # keyword_tagger matches substrings: "Intel" in "Intelligenz" is a tag
    # but no token; the others stand as tokens ("Shanghai Biren": two).
    orgs = set(tag_values(rec, "entity:org/"))
    as_tokens = set(tag_values(rec, "text:org-token/"))
    want = {"Huawei", "SenseTime", "Shanghai Biren", "Moore Threads", "Nvidia"}
    check(want <= as_tokens <= orgs and "Intel" in orgs and "Intel" not in as_tokens,
          f"orgs as tokens {sorted(as_tokens)} vs tags {sorted(orgs)}")
    # The title's first word; German stems ("KI-Chiphersteller" gives
    # "ki-chipherstell"): many tokens differ from their stems.
    check(tag_values(rec, "text:first-stem/") == ["chinas"], f"first stem {tag_values(rec, 'text:first-stem/')}")
    n = int(tag_values(rec, "text:tokens/")[0])
    stemmed = int(tag_values(rec, "text:stemmed/")[0])
    check(n > 300 and stemmed > n // 4, f"{stemmed} of {n} tokens stemmed")
    # The title is the first sentence.
    check(tag_values(rec, "text:first-sentence-bytes/") == [str(len(SAMPLE_TITLE.encode("utf-8")))],
          f"first sentence {tag_values(rec, 'text:first-sentence-bytes/')}")


@test()
def text_language_without_stemmer(ctx):
    """Korean: no Snowball stemmer and no stop-word list. Stems are the
    tokens (Korean has no case), the article goes through, and the missing
    list is logged once at notice level, not as an error."""
    ctx.write_config(text_plugins(ctx))
    d = ctx.start()
    ids = []
    for i in range(2):
        body = f"삼성전자는 새로운 인공지능 칩을 발표했다. 삼성전자는 칩 생산을 늘린다. 기사 {i}."
        ids.append(ctx.drop(f"ko{i}.json", json_article("삼성전자 칩 발표", body, "ko")))
    ctx.wait_archived(ids)
    for id_ in ids:
        rec = ctx.record(id_)
        check("text:stems-are-tokens" in tag_names(rec), f"tags {sorted(tag_names(rec))}")
        check(tag_values(rec, "stem:") == ["삼성전자는"], f"top stem {tag_values(rec, 'stem:')}")
    notices = [l for l in d.log_lines() if 'no list for language "ko"' in l]
    check(len(notices) == 1, f"{len(notices)} notices about ko: {notices}")
    check(" notice: " in notices[0], f"not at notice level: {notices[0]}")


@test()
def text_empty_body(ctx):
    """A title and an empty body: one sentence, the title's words."""
    ctx.write_config(text_plugins(ctx))
    ctx.start()
    id_ = ctx.drop("empty.json", json_article("Huawei baut neue Chips", "", "de"))
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check(tag_values(rec, "text:tokens/") == ["4"], f"tokens {tag_values(rec, 'text:tokens/')}")
    check(tag_values(rec, "text:sentences/") == ["1"], f"sentences {tag_values(rec, 'text:sentences/')}")
    check(tag_values(rec, "stem:") == [], "a stem tagged from four different words")


@test(timeout=180)
def text_two_megabyte_article(ctx):
    """A 2 MB German article (corpus articles joined into paragraphs) is
    analysed and archived, not failed, within the plugins' time budget.
    The probe's loops over 350,000 tokens need more than the default
    instruction budget of a Lua call."""
    ctx.write_config(text_plugins(ctx, max_instructions="200000000", max_memory="256M"))
    ctx.start()
    parts, size = [], 0
    files = sorted(GNAD_DIR.glob("gnad_*.txt"))
    check(files, f"no corpus articles in {GNAD_DIR}")
    while size < 2 << 20:
        for f in files:
            t = f.read_text(encoding="utf-8").strip()
            parts.append(t)
            size += len(t.encode("utf-8")) + 2
            if size >= 2 << 20:
                break
    body = "\n\n".join(parts)
    t0 = time.monotonic()
    id_ = ctx.drop("big.json", json_article("Ein sehr langer Artikel", body, "de"))
    ctx.wait_archived([id_], timeout=120)
    took = time.monotonic() - t0
    rec = ctx.record(id_)
    n = int(tag_values(rec, "text:tokens/")[0])
    s = int(tag_values(rec, "text:sentences/")[0])
    check(n > 250000, f"only {n} tokens in {size} bytes")
    check(s > 10000, f"only {s} sentences")
    check(len(tag_values(rec, "stem:")) == 1, f"top stem {tag_values(rec, 'stem:')}")
    check(took < 60, f"took {took:.1f} s")
    print(f"2 MB article: {n} tokens, {s} sentences, archived in {took:.2f} s")


@test()
def text_docs_example_is_the_built_one(ctx):
    """The C example in docs/plugins.md is docs/examples/top_stem.c, the file
    the e2e suite builds and runs."""
    doc = (SOURCE_ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    src = (SOURCE_ROOT / "docs" / "examples" / "top_stem.c").read_text(encoding="utf-8")
    blocks = re.findall(r"```c\n(.*?)```", doc, re.S)
    check(any(b == src for b in blocks), "docs/plugins.md has no code block equal to docs/examples/top_stem.c")


@test()
def text_data_dir_stop_words(ctx):
    """[daemon] data_dir: a folder of our own with a German list that makes
    "huawei" a stop word, so top_stem picks the next word; a data_dir
    without lists is no error (logged once per language at notice level)."""
    data = ctx.base / "data"
    (data / "stopwords").mkdir(parents=True)
    (data / "stopwords" / "de.txt").write_text("# test list\nHUAWEI und die\n", encoding="utf-8")
    article = json_article("Huawei", "Huawei baut Chips. Huawei verkauft Chips. Huawei wächst.", "de")
    ctx.write_config(text_plugins(ctx), data_dir=data)
    d = ctx.start()
    id_ = ctx.drop("custom.json", article)
    ctx.wait_archived([id_])
    check(tag_values(ctx.record(id_), "stem:") == ["chips"], f"top stem {tag_values(ctx.record(id_), 'stem:')}")
    check(any(f"stop words: 3 for \"de\" from {data}/stopwords/de.txt" in l for l in d.log_lines()),
          "no log line for the list read from data_dir")
    ctx.shutdown(strict=True)

    # The bundled lists: "huawei" is no stop word there.
    ctx.write_config(text_plugins(ctx))
    ctx.start()
    id2 = ctx.drop("bundled.json", article + b" ")
    ctx.wait_archived([id2])
    check(tag_values(ctx.record(id2), "stem:") == ["huawei"], f"top stem {tag_values(ctx.record(id2), 'stem:')}")
    ctx.shutdown(strict=True)

    # An empty data folder: no stop words, a notice, the article goes through.
    empty = ctx.base / "empty"
    empty.mkdir()
    ctx.write_config(text_plugins(ctx), data_dir=empty)
    d = ctx.start()
    id3 = ctx.drop("none.json", article + b"  ")
    ctx.wait_archived([id3])
    check(tag_values(ctx.record(id3), "stem:") == ["huawei"], f"top stem {tag_values(ctx.record(id3), 'stem:')}")
    lines = [l for l in d.log_lines() if "stopwords" in l and " notice: " in l]
    check(len(lines) == 1, f"notices about the missing lists: {lines}")


@test()
def text_language_from_lang_plugin(ctx):
    """A text article without a language: the bundled lang plugin sets it in
    the parse stage, and the tag stage's analysis stems in that language
    (an analysis made before a set() of lang would be dropped)."""
    plugins = text_plugins(ctx)
    plugins.insert(0, ("lang", {"so": "lang.so"}))
    ctx.write_config(plugins)
    ctx.start()
    text = SAMPLE.read_bytes()
    id_ = ctx.drop(SAMPLE.name, text)
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check(rec["lang"] == "de", f"lang {rec['lang']!r}")
    n = int(tag_values(rec, "text:tokens/")[0])
    stemmed = int(tag_values(rec, "text:stemmed/")[0])
    check(stemmed > n // 4, f"{stemmed} of {n} tokens stemmed: not German stems")
    check(len(tag_values(rec, "stem:")) == 1, f"top stem {tag_values(rec, 'stem:')}")
