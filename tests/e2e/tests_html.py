"""End-to-end tests of HTML articles (issue 9): loaded by run.py.

A page dropped into the inbox is archived with its extracted text and
metadata, its original bytes kept beside the record; an index page goes to
failed/ with a reason that says so; a gzip-compressed page is refused with
a reason that names gzip (newsd does not decompress inbox files); C and Lua
plugins see the extracted text, never the markup.
"""

import gzip

from __main__ import check, tag_names, test

# A word that only the markup holds (class, attribute, script, style,
# comment), and one that only the text holds.
PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="windows-1252">
<title>Chips aus Shanghai | Testzeitung</title>
<meta property="og:site_name" content="Testzeitung">
<meta property="og:url" content="https://zeitung.example/chips">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"Chips aus Shanghai","author":{"@type":"Person","name":"Erika Muster"},
"datePublished":"2024-05-02T09:00:00+02:00"}</script>
<style>.Huawei-box { color: red }</style>
<script>var sponsor = "Huawei";</script>
</head><body>
<!-- Huawei campaign -->
<nav class="menu"><a href="/">Startseite</a> <a href="/wirtschaft">Wirtschaft</a></nav>
<div class="cookie-consent">Wir verwenden Cookies. Alle akzeptieren</div>
<article class="Huawei-box" data-sponsor="Huawei">
<h1>Chips aus Shanghai</h1>
<div class="article-body">
<p>Der Chiphersteller Nvidia baut seine Entwicklung in Shanghai aus, wie das Unternehmen am
Donnerstag mitteilte. Rund 300 Ingenieure sollen dort an neuen Beschleunigern arbeiten.</p>
<p>Branchenkenner sehen darin eine Antwort auf die Exportregeln, die den Verkauf der
schnellsten Chips nach China begrenzen. Die Gr\xfcnde seien aber auch wirtschaftlicher Natur.</p>
<p>Die Stadt Shanghai f\xf6rdert die Ansiedlung mit Steuererleichterungen, hie\xdf es weiter.</p>
</div>
<div class="share-buttons"><a href="#">Teilen</a> <a href="#">Twittern</a></div>
</article>
<footer>Impressum | Datenschutz</footer>
</body></html>
""".encode("cp1252")

INDEX = ("<html><head><title>Alle Meldungen</title></head><body><main><h1>Alle Meldungen</h1><ul>"
         + "".join(f'<li><a href="/m/{i}">Meldung Nummer {i} aus der Region und der Welt</a></li>'
                   for i in range(40))
         + "</ul></main></body></html>").encode()


@test()
def html_page_archived_with_fields(ctx):
    ctx.start()
    id_ = ctx.drop("chips.html", PAGE)
    ctx.wait_archived([id_])
    rec = ctx.record(id_)
    check(rec["format"] == "html", f"format {rec['format']!r}")
    check(rec["encoding"] == "windows-1252", f"encoding {rec['encoding']!r}")
    check(rec["title"] == "Chips aus Shanghai", f"title {rec['title']!r}")
    check(rec["author"] == "Erika Muster", f"author {rec['author']!r}")
    check(rec["published"] == "2024-05-02T09:00:00+02:00", f"published {rec['published']!r}")
    check(rec["url"] == "https://zeitung.example/chips", f"url {rec['url']!r}")
    check(rec["lang"] == "de", f"lang {rec['lang']!r}")
    check(rec["meta"].get("site") == "Testzeitung", f"meta {rec['meta']!r}")
    body = rec["body"]
    check(body.startswith("Der Chiphersteller Nvidia baut"), f"body starts {body[:80]!r}")
    check("Die Gründe seien" in body and "hieß es weiter." in body, f"body {body!r}")
    for junk in ("Startseite", "Cookies", "Teilen", "Impressum", "Huawei", "<"):
        check(junk not in body, f"{junk!r} in the body: {body!r}")
    origs = ctx.dated_files()[id_]["orig"]
    check(len(origs) == 1 and origs[0].read_bytes() == PAGE, "the original page is not kept as it was")


@test()
def html_index_page_failed_with_reason(ctx):
    ctx.start()
    ctx.drop("index.html", INDEX)
    reason = ctx.wait_failed("index.html")
    text = " ".join(reason.values())
    check("no article in the page" in text, f"reason {reason}")


@test()
def html_gzip_refused_clearly(ctx):
    ctx.start()
    ctx.drop("chips.html.gz", gzip.compress(PAGE))
    reason = ctx.wait_failed("chips.html.gz")
    text = " ".join(reason.values())
    check("gzip-compressed" in text and "uncompressed" in text, f"reason {reason}")


LUA_SEES = """
local p = { name = "sees" }
function p.tag(a)
  if a:body():find("<", 1, true) or a:body():find("class=", 1, true) then a:tag("e2e:markup", 1.0) end
  if a:body():find("Huawei", 1, true) then a:tag("e2e:markup-word", 1.0) end
  if a:contains("Ingenieure") then a:tag("e2e:text", 1.0) end
end
return p
"""


@test()
def html_plugins_see_text_not_markup(ctx):
    folder = ctx.base / "lua"
    folder.mkdir(exist_ok=True)
    script = folder / "sees.lua"
    script.write_text(LUA_SEES, encoding="utf-8")
    # The default pipeline's C keyword_tagger looks for Huawei and Nvidia.
    ctx.write_config(ctx.plugins_with(("sees", {"lua": str(script)})))
    ctx.start()
    id_ = ctx.drop("chips.html", PAGE)
    ctx.wait_archived([id_])
    tags = tag_names(ctx.record(id_))
    check("entity:org/Nvidia" in tags, f"the C plugin missed the text: {sorted(tags)}")
    check("entity:org/Huawei" not in tags, f"the C plugin saw the markup: {sorted(tags)}")
    check("topic:ai-chips" in tags, f"tags {sorted(tags)}")
    check("e2e:text" in tags, f"the Lua plugin missed the text: {sorted(tags)}")
    check("e2e:markup" not in tags and "e2e:markup-word" not in tags,
          f"the Lua plugin saw the markup: {sorted(tags)}")
