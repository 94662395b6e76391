#!/usr/bin/env python3
"""Build the entities plugin's place lists from Debian's data packages.

  gen_gazetteer.py countries OUT.tsv   # iso-codes: ISO 3166-1 names, German from its translations
  gen_gazetteer.py cities OUT.tsv      # tzdata: the cities that name time zones (zone.tab)
  gen_gazetteer.py towns OUT.tsv       # libgeonames-common: GeoNames' towns, German names too

Run at build time (plugins/entities/meson.build), so the lists follow the
installed packages instead of being typed by hand.  The output is the
gazetteer TSV of docs/plugins.md: TYPE, NAME, ALIASES, LANG=NAME.
"""
import gettext
import json
import os
import re
import sys

ISO_JSON = os.environ.get("ISO_CODES_JSON", "/usr/share/iso-codes/json/iso_3166-1.json")
LOCALE_DIR = os.environ.get("ISO_CODES_LOCALE", "/usr/share/locale")
ZONE_TAB = os.environ.get("ZONE_TAB", "/usr/share/zoneinfo/zone.tab")
EN_WORDS = "/usr/share/dict/american-english"
DE_WORDS = "/usr/share/dict/ngerman"

# ISO's formal names where news use a short one (English, German): the
# only names here that are not read from iso-codes.
SHORT_NAMES = {
    "RU": ("Russia", "Russland"),
    "VA": ("Vatican City", "Vatikanstadt"),
    "PS": ("Palestine", "Palästina"),
    "FM": ("Micronesia", "Mikronesien"),
    "CD": ("DR Congo", "Demokratische Republik Kongo"),
    "VG": ("British Virgin Islands", None),
    "VI": ("US Virgin Islands", None),
    "FK": ("Falkland Islands", "Falklandinseln"),
}

# Time zone areas whose cities are places people live in.
CITY_AREAS = {"Europe", "Asia", "Africa", "America", "Australia", "Pacific", "Atlantic", "Indian"}


def clean(name):
    """A name as written in text: no parenthesised part, no "X, Y of" form."""
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    return None if "," in name else name


def tsv_field(s):
    return s.replace("\t", " ").replace("|", " ").strip()


def countries(out):
    with open(ISO_JSON, encoding="utf-8") as fh:
        data = json.load(fh)["3166-1"]
    try:
        de = gettext.translation("iso_3166-1", localedir=LOCALE_DIR, languages=["de"])
    except OSError:
        sys.exit(f"gen_gazetteer: no German iso_3166-1 translation under {LOCALE_DIR} (install iso-codes)")
    out.write("# Countries and territories: ISO 3166-1 from Debian's iso-codes\n"
              f"# ({ISO_JSON}), German names from its translations (iso_3166-1.mo).\n"
              "# Generated at build time by gen_gazetteer.py; do not edit.\n")
    for c in data:
        code = c["alpha_2"]
        short = SHORT_NAMES.get(code)
        iso_common = c.get("common_name", c["name"])
        name = short[0] if short else clean(iso_common) or clean(c["name"])
        if not name:
            continue
        aliases = []
        for n in (c["name"], c.get("official_name", ""), iso_common):
            n = clean(n) if n else None
            if n and n != name and n not in aliases:
                aliases.append(n)
        de_name = short[1] if short and short[1] else clean(de.gettext(iso_common)) or clean(de.gettext(c["name"]))
        de_aliases = []
        for n in (c["name"], c.get("official_name", "")):
            t = clean(de.gettext(n)) if n else None
            if t and t != de_name and t not in aliases and t != name:
                de_aliases.append(t)
        locals_ = [f"de={de_name}"] if de_name and de_name != name else []
        out.write("\t".join(["place", tsv_field(name), "|".join(tsv_field(a) for a in aliases + de_aliases),
                             "|".join(locals_)]).rstrip("\t") + "\n")


def word_list(path, required):
    try:
        with open(path, encoding="utf-8") as fh:
            return {w.strip() for w in fh if w.strip()}
    except OSError:
        if required:
            sys.exit(f"gen_gazetteer: cannot read {path} (install wamerican and wngerman)")
        return set()


def english_words():
    return {w for w in word_list(EN_WORDS, False) if w[:1].islower()}


def german_common(name, de_words):
    """A German word that is no name: ngerman has it in lower case or with a
    plural ending (Essen, Halle); -er is left out, it makes the demonym of a
    town (Mainzer)."""
    if name.lower() in de_words:
        return True
    return name in de_words and any(name + e in de_words for e in ("e", "en", "n"))


def towns(out):
    try:
        en = gettext.translation("geonames", localedir=LOCALE_DIR, languages=["en"])._catalog
        de = gettext.translation("geonames", localedir=LOCALE_DIR, languages=["de"])._catalog
    except OSError:
        sys.exit(f"gen_gazetteer: no geonames catalogs under {LOCALE_DIR} (install libgeonames-common)")
    en_all = word_list(EN_WORDS, True)
    en_lower = {w for w in en_all if w[:1].islower()}
    en_proper = {w for w in en_all if w[:1].isupper()}
    de_words = word_list(DE_WORDS, True)
    with open(ISO_JSON, encoding="utf-8") as fh:
        countries_ = {n for c in json.load(fh)["3166-1"]
                      for n in (c["name"], c.get("common_name"), c.get("official_name")) if n}
    out.write("#!cue\n"
              "# (the first line: these names count only after a preposition of place\n"
              "# or before \", PLACE\", see docs/plugins.md)\n"
              "# Towns: the GeoNames places of Debian's libgeonames-common (its\n"
              "# geonames.mo catalogs: English names, German ones where translated).\n"
              "# Left out: countries (countries.tsv has them), names of fewer than 4\n"
              "# letters, names that are English or German words (Nice, Reading,\n"
              "# Essen, Halle) and names that american-english lists as proper names\n"
              "# (Gary, Taylor, Jackson: people's names) unless German spells the\n"
              "# town otherwise, which marks a well-known one.\n"
              "# Generated at build time by gen_gazetteer.py; do not edit.\n")
    seen = set()
    for gid, name in sorted(en.items()):
        if not gid or not name or "\t" in name or "|" in name or name in seen or len(name) < 4 \
                or name in countries_:
            continue
        de_name = de.get(gid)
        de_name = de_name if de_name and de_name != name and "|" not in de_name else None
        if name.lower() in en_lower or german_common(name, de_words):
            continue
        if name in en_proper and not de_name:
            continue
        if de_name and de_name.lower() in de_words:
            de_name = None
        seen.add(name)
        out.write(f"place\t{name}\t\tde={de_name}\n" if de_name else f"place\t{name}\n")


def cities(out):
    words = english_words()
    seen = set()
    out.write("# Cities: the places that name time zones in Debian's tzdata\n"
              f"# ({ZONE_TAB}: AREA/City, two parts, inhabited areas only).\n"
              "# Cities whose name is also an English word (american-english, when\n"
              "# installed) are left out: Phoenix or Regina would tag the words.\n"
              "# Generated at build time by gen_gazetteer.py; do not edit.\n")
    with open(ZONE_TAB, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                continue
            zone = parts[2].split("/")
            if len(zone) != 2 or zone[0] not in CITY_AREAS:
                continue
            city = zone[1].replace("_", " ")
            if city in seen or city.lower() in words:
                continue
            seen.add(city)
            out.write(f"place\t{city}\n")


def main():
    kinds = {"countries": countries, "cities": cities, "towns": towns}
    if len(sys.argv) != 3 or sys.argv[1] not in kinds:
        sys.exit("usage: gen_gazetteer.py countries|cities|towns OUT.tsv")
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        kinds[sys.argv[1]](out)
    os.replace(tmp, sys.argv[2])


if __name__ == "__main__":
    main()
