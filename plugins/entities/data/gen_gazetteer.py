#!/usr/bin/env python3
"""Build the entities plugin's place lists from Debian's data packages.

  gen_gazetteer.py countries OUT.tsv   # iso-codes: ISO 3166-1 names, German from its translations
  gen_gazetteer.py cities OUT.tsv      # tzdata: the cities that name time zones (zone.tab)

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


def english_words():
    try:
        with open(EN_WORDS, encoding="utf-8") as fh:
            return {w.strip() for w in fh if w[:1].islower()}
    except OSError:
        return set()


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
    if len(sys.argv) != 3 or sys.argv[1] not in ("countries", "cities"):
        sys.exit("usage: gen_gazetteer.py countries|cities OUT.tsv")
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        (countries if sys.argv[1] == "countries" else cities)(out)
    os.replace(tmp, sys.argv[2])


if __name__ == "__main__":
    main()
