#!/usr/bin/env python3
"""Build the entities plugin's place lists from Debian's data packages.

  gen_gazetteer.py countries OUT.tsv   # iso-codes: ISO 3166-1 names, German from its translations
  gen_gazetteer.py cities OUT.tsv      # tzdata: the cities that name time zones (zone.tab), and
                                       # libgeonames0: GeoNames' cities of 100,000 people or more (see MID_CITY)
  gen_gazetteer.py towns OUT.tsv       # libgeonames-common: GeoNames' towns, German names too
  gen_gazetteer.py subdivisions OUT.tsv # iso-codes: ISO 3166-2 states of Austria, Germany, Switzerland
                                       # (German names) and the counties of England
  gen_gazetteer.py given OUT.txt       # python3-fake-factory: given names of 29 Latin-script locales

Run at build time (plugins/entities/meson.build), so the lists follow the
installed packages instead of being typed by hand.  The output is the
gazetteer TSV of docs/plugins.md: TYPE, NAME, ALIASES, LANG=NAME.
"""
import ast
import ctypes
import gettext
import json
import os
import re
import sys
import unicodedata

ISO_JSON = os.environ.get("ISO_CODES_JSON", "/usr/share/iso-codes/json/iso_3166-1.json")
LOCALE_DIR = os.environ.get("ISO_CODES_LOCALE", "/usr/share/locale")
ZONE_TAB = os.environ.get("ZONE_TAB", "/usr/share/zoneinfo/zone.tab")
FAKER_PERSON_DIR = os.environ.get("FAKER_PERSON_DIR", "/usr/lib/python3/dist-packages/faker/providers/person")
# Locales whose names news in German and English print as they are (no
# transliteration from another script).
GIVEN_LOCALES = ("de_DE", "de_AT", "de_CH", "en", "en_US", "en_GB", "en_NZ", "fr_FR", "fr_CH", "it_IT",
                 "es_ES", "es_MX", "pt_BR", "pt_PT", "nl_NL", "pl_PL", "cs_CZ", "hr_HR", "sl_SI", "hu_HU",
                 "ro_RO", "sv_SE", "no_NO", "dk_DK", "fi_FI", "tr_TR", "lt_LT", "lv_LV", "et_EE")
# More locales for the given names only (not for telling towns from
# surnames): Latin-script ones of Asia and Africa, and the romanised
# Japanese names ("Akira", "Haruka"), whose people news name in full.
MORE_GIVEN_LOCALES = (("id_ID", "first_name"), ("en_TH", "first_name"), ("tw_GH", "first_name"),
                      ("ja_JP", "first_romanized"))
# Locales whose names are in Cyrillic: their given names romanised as the
# English and the German press write them (romanised()), since news names
# Russians and Ukrainians by their names in full.  Not bg_BG: its lists
# hold joke names ("Aerozol", "Manchestaryunayted").
CYRILLIC_GIVEN_LOCALES = ("ru_RU", "uk_UA")
# Letter by letter: the English press's scheme (BGN/PCGN, without its
# diacritics) and the German press's (Duden).  Ukrainian reads г and и
# otherwise (UK_LETTERS).
CYRILLIC_EN = dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye"),
                   ё="yo", ж="zh", х="kh", ц="ts", ч="ch", ш="sh", щ="shch", ъ="", ь="", ю="yu", я="ya",
                   і="i", ї="yi", є="ye", ґ="g")
CYRILLIC_DE = dict(zip("абвгдезийклмнопрстуфыэ", "abwgdesijklmnoprstufye"),
                   ё="jo", ж="sch", х="ch", ц="z", ч="tsch", ш="sch", щ="schtsch", ъ="", ь="", ю="ju", я="ja",
                   і="i", ї="ji", є="je", ґ="g")
UK_LETTERS = {"uk_UA": {"г": "h", "и": "y"}}
# The spellings the press varies between, in each scheme: where a name
# begins ("Yevgeny", "Evgeny") and ends ("Dmitry", "Dmitriy", "Dmitri";
# "Sergei", "Sergey"; "Andriy", "Andrii"; "Maria", "Mariya"), and "x"
# for кс ("Alexei", "Aleksei").
CYRILLIC_VARIANTS = {
    "en": {"start": {"е": ("ye", "e")},
           "end": {"ий": ("iy", "y", "i"), "ій": ("iy", "ii", "i"), "ей": ("ey", "ei"), "ай": ("ai", "ay"),
                   "ия": ("iya", "ia"), "ья": ("ya", "ia")},
           "inside": {"кс": ("ks", "x")}},
    "de": {"start": {"е": ("je", "e")},
           "end": {"ий": ("i", "ij"), "ій": ("ij", "i"), "ей": ("ej", "ei"), "ай": ("ai", "aj"),
                   "ия": ("ija", "ia"), "ья": ("ja", "ia")},
           "inside": {"кс": ("ks", "x")}},
}


def romanised(name, loc):
    """The Latin spellings of a case-folded Cyrillic name of locale loc:
    a set, empty for a name with a letter neither scheme knows."""
    out = set()
    for scheme, letters in (("en", CYRILLIC_EN), ("de", CYRILLIC_DE)):
        letters = dict(letters, **UK_LETTERS.get(loc, {}))
        rules = CYRILLIC_VARIANTS[scheme]
        # Each position's choices, then every combination of them.
        parts, i = [], 0
        while i < len(name):
            two = name[i:i + 2]
            if i == 0 and name[0] in rules["start"]:
                parts.append(rules["start"][name[0]])
                i += 1
            elif i + 2 == len(name) and two in rules["end"]:
                parts.append(rules["end"][two])
                i += 2
            elif two in rules["inside"]:
                parts.append(rules["inside"][two])
                i += 2
            elif name[i] in letters:
                parts.append((letters[name[i]],))
                i += 1
            else:
                return set()
        spellings = [""]
        for choices in parts:
            spellings = [s + c for s in spellings for c in choices]
        out.update(spellings)
    return out


# Given names of the Arab world, Iran, South Asia and West Africa as the
# English and German press romanise them, which no Latin-script locale of
# faker has (typed here, as SHORT_GIVEN below); those no locale has join
# the list as extra_name_ok() allows.
WORLD_GIVEN = """
abdel abdallah abdelaziz abdelkader abdul abdulaziz abdullah abdullahi abubakar adel adnan ahmad ahmet akbar
ala alaa ashraf ayman aziz bashar bassam boutros emad fadi faisal farid farouk fatima fawzi gamal hamad hamid
hamza hani hassan hisham hosni hossam hussein ibrahim imad jamal jamil kamal karim khaled khalid khalil
mahmoud mahmud majid marwan moammar mohamed mohammad mohammed muammar mustafa nabil nasser nawaf nizar
omar osama qassem rafik ramzi rashid riad riyad saad saddam salah saleh salim salman sami samir sayed
tarek tareq tariq wael walid yasser yasin yassin youssef yousef zaid zakaria zayed ziad
abbas ali-akbar bijan dariush ebrahim esmail farhad farshid hassan-ali hossein javad kaveh
mahmood masoud mehdi mohsen mojtaba morteza nasrin parviz reza saeed shirin
amit amitabh anand anil anupam arun arvind ashok bipin deepak dhirubhai gautam harsh jawaharlal kapil
lakshmi mamata manmohan mukesh narendra nitin palaniappan pankaj pranab prakash priyanka rahul raj rajesh
rajiv rakesh ramesh ratan sachin sanjay sanjiv shashi shivraj sonia subir sunil suresh vijay virat
vikram yashwant asif benazir imran nawaz pervez shahbaz zulfikar
aliko chinua goodluck muhammadu ngozi nnamdi obafemi olusegun oluwaseun uhuru yoweri
"""

# The short forms English news calls people by that faker's locales lack
# or drop as words (typed here, the only given names not read from
# faker): True marks one that is also an English word, which then wants
# a name word after it ("Bill Nighy", not "Bill Board").  Not "Will": a
# stop word, never a name's first word; nor "Al", before Arabic names of
# places and clubs ("Al Anbar", "Al Ahly") as often as a person's.
SHORT_GIVEN = {"matt": False, "phil": False, "cate": False, "jen": False, "meg": False, "ed": False,
               "bill": "en", "rob": "en", "pat": "en", "sue": "en", "ray": "en"}
GIVEN_NAME = re.compile(r"^[^\W\d_][^\W\d_'-]*(?:[-'][^\W\d_]+)*$")
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

# Zones named after islands that are named after feasts (Indian/Christmas,
# Pacific/Easter): as cities they would tag every "Christmas 2004"
# (Christmas Island is in countries.tsv).
NOT_CITIES = {"Christmas", "Easter"}

# Time zone areas whose cities are places people live in.
CITY_AREAS = {"Europe", "Asia", "Africa", "America", "Australia", "Pacific", "Atlantic", "Indian"}
# GeoNames cities this large are named without a cue ("Ankara", not only
# "in Ankara"); a city whose name is also a given name only from the
# second size on ("Charlotte Smith").  From MID_CITY on, a city whose name
# american-english does not list (as a word or a proper name: no
# surname, Livingstone, Beaumont) and that is no given name or surname of
# faker's is named without a cue too ("Chemnitz", "Trabzon").  Smaller
# ones are towns.tsv's.
BIG_CITY = 250_000
MID_CITY = 100_000
BIG_CITY_GIVEN = 1_000_000
# towns.tsv leaves out names that american-english lists as proper names
# (people's names: Gary, Taylor), unless the town has this many people.
KNOWN_TOWN = 50_000


def clean(name):
    """A name as written in text: no parenthesised or bracketed part
    ("Catalunya [Cataluña]"), no "X, Y of" form, no footnote mark."""
    name = re.sub(r"\s*\([^)]*\)|\s*\[[^\]]*\]", "", name).strip()
    return None if "," in name or "*" in name else name


# Letters without a decomposition that texts write as plain ones.
PLAIN_LETTERS = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D"})


def plain_alias(name, skip):
    """The name as texts without its letters' marks write it
    ("Diyarbakir", "Dusseldorf"), or None: when it has none, keeps a
    letter that has no plain form (ß), or reads as something else
    (skip(alias): a word, a person's name, any place's name)."""
    if name.isascii() or "ß" in name:
        return None
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.translate(PLAIN_LETTERS))
                    if not unicodedata.combining(c))
    if not plain.isascii() or plain == name or skip(plain):
        return None
    return plain


def tsv_field(s):
    return s.replace("\t", " ").replace("|", " ").strip()


def countries(out):
    with open(ISO_JSON, encoding="utf-8") as fh:
        data = json.load(fh)["3166-1"]
    try:
        de = gettext.translation("iso_3166-1", localedir=LOCALE_DIR, languages=["de"])
    except OSError:
        sys.exit(f"gen_gazetteer: no German iso_3166-1 translation under {LOCALE_DIR} (install iso-codes)")
    out.write("#!nation\n"
              "# (the first line: in a sports report these names may stand for a national\n"
              "# team, see docs/plugins.md)\n"
              "# Countries and territories: ISO 3166-1 from Debian's iso-codes\n"
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


def geonames_population():
    """{GeoNames id: population} of the cities libgeonames0 has compiled in
    (those of the geonames.mo catalogs)."""
    try:
        lib = ctypes.CDLL("libgeonames.so.0")
        glib = ctypes.CDLL("libglib-2.0.so.0")
    except OSError:
        sys.exit("gen_gazetteer: cannot load libgeonames.so.0 (install libgeonames0)")
    lib.geonames_get_n_cities.restype = ctypes.c_int
    lib.geonames_get_city.restype = ctypes.c_void_p
    lib.geonames_get_city.argtypes = [ctypes.c_int]
    lib.geonames_city_get_population.restype = ctypes.c_uint
    lib.geonames_city_get_population.argtypes = [ctypes.c_void_p]
    lib.geonames_city_free.argtypes = [ctypes.c_void_p]
    glib.g_variant_get_child_value.restype = ctypes.c_void_p
    glib.g_variant_get_child_value.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    glib.g_variant_get_string.restype = ctypes.c_char_p
    glib.g_variant_get_string.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    glib.g_variant_unref.argtypes = [ctypes.c_void_p]
    glib.g_variant_get_type_string.restype = ctypes.c_char_p
    glib.g_variant_get_type_string.argtypes = [ctypes.c_void_p]
    out = {}
    for i in range(lib.geonames_get_n_cities()):
        city = lib.geonames_get_city(i)
        if not city:
            continue
        # A city is a GVariant tuple whose first member is its GeoNames id
        # (libgeonames 0.3: "(sssssssudd)"); the header does not promise
        # it, so anything else stops the build rather than guessing.
        kind = glib.g_variant_get_type_string(city) or b""
        if not kind.startswith(b"(s"):
            lib.geonames_city_free(city)
            sys.exit(f"gen_gazetteer: libgeonames0's cities are {kind.decode()!r}, not a tuple that "
                     "begins with the GeoNames id: update gen_gazetteer.py")
        child = glib.g_variant_get_child_value(city, 0)
        gid = glib.g_variant_get_string(child, None)
        glib.g_variant_unref(child)
        if gid:
            out[gid.decode()] = lib.geonames_city_get_population(city)
        lib.geonames_city_free(city)
    return out


def geonames_catalogs():
    try:
        en = gettext.translation("geonames", localedir=LOCALE_DIR, languages=["en"])._catalog
        de = gettext.translation("geonames", localedir=LOCALE_DIR, languages=["de"])._catalog
    except OSError:
        sys.exit(f"gen_gazetteer: no geonames catalogs under {LOCALE_DIR} (install libgeonames-common)")
    return en, de


def big_cities():
    """[(English name, German name or None)] of the GeoNames cities that
    cities.tsv lists (BIG_CITY, MID_CITY), largest first."""
    en, de = geonames_catalogs()
    population = geonames_population()
    words = english_words()
    de_words = word_list(DE_WORDS, True)
    given = given_names(extra=False)
    people = set(given) | people_names()
    listed = set(word_list(EN_WORDS, False))
    out, seen = [], set()
    for gid, pop in sorted(population.items(), key=lambda kv: -kv[1]):
        name = en.get(gid)
        if pop < MID_CITY or not name or "\t" in name or "|" in name or name in seen or len(name) < 4:
            continue
        if name.lower() in words or german_common(name, de_words):
            continue
        if name.casefold() in given and pop < BIG_CITY_GIVEN:
            continue
        # An apostrophe is read as a possessive: "Engel's" would find
        # "Engels", a German genitive.
        if pop < BIG_CITY and (name in listed or name.casefold() in people or "'" in name):
            continue
        seen.add(name)
        de_name = de.get(gid)
        ok = de_name and de_name != name and "|" not in de_name and de_name.lower() not in de_words
        out.append((name, de_name if ok else None))
    return out


def people_names():
    """Case-folded given names and surnames of faker's person providers."""
    out = set()
    for loc in GIVEN_LOCALES:
        for kind in ("first_name", "last_name"):
            out |= locale_given_names(loc, kind) or set()
    return out


# ISO 3166-2 types whose names are a country's parts, not its towns
# ("Scotland", "California", "Bayern").
NOT_TOWN_TYPES = {"State", "Land", "Country", "Nation", "Autonomous community", "Autonomous region", "Republic"}
# German points of the compass that are also towns (Norden in Lower
# Saxony): "im Norden Israels" names a direction, after a preposition of
# place like a town's name, and far more often; towns.tsv leaves them out.
COMPASS_WORDS = {"Norden", "Süden", "Osten", "Westen", "Nordosten", "Nordwesten", "Südosten", "Südwesten"}


def not_towns():
    """Names that are countries or regions rather than towns: ISO 3166-1's
    (with countries.tsv's short names), ISO 3166-2's states and nations,
    and regions.tsv's before its "#!town" line (with their aliases and
    German names).  GeoNames' catalogs hold them beside the towns."""
    out = set()
    with open(ISO_JSON, encoding="utf-8") as fh:
        for c in json.load(fh)["3166-1"]:
            out |= {n for n in (c["name"], c.get("common_name"), c.get("official_name")) if n}
            short = SHORT_NAMES.get(c["alpha_2"])
            out |= {n for n in (short or ()) if n}
    try:
        with open(os.path.join(os.path.dirname(ISO_JSON), "iso_3166-2.json"), encoding="utf-8") as fh:
            out |= {clean(s["name"]) for s in json.load(fh)["3166-2"] if s["type"] in NOT_TOWN_TYPES}
    except OSError:
        pass
    return out | regions_names(before_towns=True)


def towns(out):
    en, de = geonames_catalogs()
    people = people_names()
    no_towns = not_towns()
    population = geonames_population()
    en_all = word_list(EN_WORDS, True)
    en_lower = {w for w in en_all if w[:1].islower()}
    en_proper = {w for w in en_all if w[:1].isupper()}
    de_words = word_list(DE_WORDS, True)
    with open(ISO_JSON, encoding="utf-8") as fh:
        countries_ = {n for c in json.load(fh)["3166-1"]
                      for n in (c["name"], c.get("common_name"), c.get("official_name")) if n}
    out.write("#!cue town\n"
              "# (the first line: these names count only after a preposition of place\n"
              "# or before \", PLACE\", and in a sports report they may stand for a\n"
              "# club; the towns whose names are also words, people's names or names\n"
              "# of countries and regions come last, after a line \"#!cue\": they\n"
              "# stand for no club; see docs/plugins.md)\n"
              "# Towns: the GeoNames places of Debian's libgeonames-common (its\n"
              "# geonames.mo catalogs: English names, German ones where translated).\n"
              "# Left out: countries (countries.tsv has them), names of fewer than 4\n"
              "# letters, names that are English or German words (Nice, Reading,\n"
              "# Essen, Halle) and names that american-english lists as proper names\n"
              "# (Gary, Taylor, Jackson: people's names) unless German spells the\n"
              "# town otherwise; but none of these for a town of 50,000 people or\n"
              "# more (libgeonames0), which is a well-known one and counts only after\n"
              "# its cue (\"in Oxford\", \"in Essen\").\n"
              "# Generated at build time by gen_gazetteer.py; do not edit.\n")
    seen = set()
    lines, word_like = [], []
    all_names = place_names()
    people_all = people | set(given_names(extra=False))

    def not_plain(alias):
        return (alias in all_names or alias.lower() in en_lower or alias in en_proper or alias in de_words or
                alias.lower() in de_words or alias.casefold() in people_all)
    for gid, name in sorted(en.items()):
        if not gid or not name or "\t" in name or "|" in name or name in seen or len(name) < 4 \
                or name in countries_ or name in COMPASS_WORDS:
            continue
        de_name = de.get(gid)
        de_name = de_name if de_name and de_name != name and "|" not in de_name else None
        known = population.get(gid, 0) >= KNOWN_TOWN
        word = name.lower() in en_lower or german_common(name, de_words)
        if not known and word:
            continue
        if name in en_proper and not de_name and not known:
            continue
        if de_name and de_name.lower() in de_words:
            de_name = None
        seen.add(name)
        # Only a known town's (the others' plain spellings were 4,000 more
        # names, ~0.5 MB of the process, for towns the news rarely names).
        alias = (plain_alias(name, not_plain) if known else None) or ""
        line = f"place\t{name}\t{alias}\tde={de_name}\n" if de_name else f"place\t{name}\t{alias}".rstrip("\t") + "\n"
        # cities.tsv marks the cities it lists, whatever list this is.
        (word_like if word or name.casefold() in people or name in no_towns else lines).append(line)
    out.writelines(lines)
    out.write("#!cue\n"
              "# Towns whose names are also words, given names or surnames of faker's\n"
              "# person providers (Siegen, Taylor, Preston), or countries and regions\n"
              "# (Scotland, Bavaria).\n")
    out.writelines(word_like)


def zone_cities():
    """The cities that name tzdata's time zones (AREA/City, two parts, in
    CITY_AREAS), as written there with spaces."""
    out = []
    with open(ZONE_TAB, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                continue
            zone = parts[2].split("/")
            if len(zone) == 2 and zone[0] in CITY_AREAS:
                out.append(zone[1].replace("_", " "))
    return out


def place_names():
    """Every name a place list may hold: GeoNames' English and German
    names, the time zones' cities, countries, states and regions.  A
    plain spelling that is one of them is another place's (Munster is
    not Münster)."""
    en, de = geonames_catalogs()
    return set(en.values()) | set(de.values()) | set(zone_cities()) | not_towns()


def cities(out):
    words = english_words()
    seen = set()
    out.write("#!town\n"
              "# (the first line: in a sports report these names may stand for a club,\n"
              "# see docs/plugins.md)\n"
              "# Cities: the places that name time zones in Debian's tzdata\n"
              f"# ({ZONE_TAB}: AREA/City, two parts, inhabited areas only), then\n"
              "# GeoNames' cities of 250,000 people or more (libgeonames0, German\n"
              "# names from libgeonames-common), largest first; of those, names that\n"
              "# are also a given name only from 1,000,000 on (Charlotte); and those of\n"
              "# 100,000 or more whose names american-english does not list and that are\n"
              "# no given names or surnames (Chemnitz, not Livingstone).\n"
              "# Cities whose name is also an English word (american-english, when\n"
              "# installed) are left out: Phoenix or Regina would tag the words; and\n"
              "# GeoNames' that German uses as a word (Essen).\n"
              "# Generated at build time by gen_gazetteer.py; do not edit.\n")
    for city in zone_cities():
        if city in seen or city.lower() in words or city in NOT_CITIES:
            continue
        seen.add(city)
        out.write(f"place\t{city}\n")
    cities_ = big_cities()
    all_names = seen | {name for name, _ in cities_} | place_names()
    de_words = word_list(DE_WORDS, True)
    listed = set(word_list(EN_WORDS, False))
    people = set(given_names(extra=False)) | people_names()

    def not_plain(alias):
        return (alias in all_names or alias in listed or alias.lower() in words or alias in de_words or
                alias.lower() in de_words or alias.casefold() in people)
    for name, de_name in cities_:
        if name in seen:
            continue
        seen.add(name)
        alias = plain_alias(name, not_plain) or ""
        out.write(f"place\t{name}\t{alias}\tde={de_name}\n" if de_name else f"place\t{name}\t{alias}".rstrip("\t") + "\n")


SUBDIVISION_COUNTRIES = ("AT", "DE", "CH")
SUBDIVISION_GB_TYPES = ("Two-tier county", "Unitary authority", "Council area")
# Other countries' parts that the news names: their ISO 3166-2 names, with
# the German ones (iso_3166-2.mo) as the names for German text.
SUBDIVISION_MORE = {
    "US": ("State", "District"), "CA": ("Province", "Territory"), "AU": ("State", "Territory"),
    "IT": ("Region", "Autonomous region"), "ES": ("Autonomous community",), "FR": ("Metropolitan region",),
}
# Of these, the countries whose ISO 3166-2 names are in their own
# language (Lombardia), which English news does not use (Lombardy): only
# their German names are listed (Lombardei).
SUBDIVISION_GERMAN_ONLY = ("IT", "ES", "FR")


def regions_names(before_towns=False):
    """Every name, alias and name by language of regions.tsv (before_towns:
    of its lines before the "#!town" line only)."""
    out = set()
    regions = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regions.tsv")
    with open(regions, encoding="utf-8") as fh:
        for line in fh:
            if before_towns and line.startswith("#!town"):
                break
            fields = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(fields) < 2:
                continue
            for f in fields[1:]:
                out |= {n.partition("=")[2] if "=" in n else n for n in f.split("|") if n}
    return out


# The US states' abbreviations of the AP style ("Paradise, Calif.", "Rep. Tina
# Smith, D-Minn."), as their aliases; not those that are words or titles too
# (Ark., Conn., Del., Ill., Ind., La., Mass., Me., Miss., Mo., Mont.: "went
# to Mass.", "Noah's Ark.", "taken Ill."), nor Wash. (the state has no entry
# of its own beside the capital).  regions.tsv gives its states theirs.
AP_STATES = {
    "Alabama": "Ala.", "Colorado": "Colo.", "Kansas": "Kan.", "Kentucky": "Ky.", "Maryland": "Md.", "Minnesota": "Minn.",
    "Nebraska": "Neb.", "Nevada": "Nev.", "New Hampshire": "N.H.", "New Jersey": "N.J.", "New Mexico": "N.M.",
    "North Carolina": "N.C.", "North Dakota": "N.D.", "Oklahoma": "Okla.", "Oregon": "Ore.", "Rhode Island": "R.I.",
    "South Carolina": "S.C.", "South Dakota": "S.D.", "Tennessee": "Tenn.", "Vermont": "Vt.", "Virginia": "Va.",
    "West Virginia": "W.Va.|W. Va.", "Wisconsin": "Wis.", "Wyoming": "Wyo.",
}


def subdivisions(out):
    path = os.path.join(os.path.dirname(ISO_JSON), "iso_3166-2.json")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)["3166-2"]
        de = gettext.translation("iso_3166-2", localedir=LOCALE_DIR, languages=["de"])
    except OSError:
        sys.exit(f"gen_gazetteer: cannot read {path} or its German translation (install iso-codes)")
    de_words = word_list(DE_WORDS, True)
    en_lower = english_words()
    given = given_names(extra=False)
    with open(ISO_JSON, encoding="utf-8") as fh:
        countries_ = {n for c in json.load(fh)["3166-1"]
                      for n in (c["name"], c.get("common_name"), c.get("official_name")) if n}
    out.write("# Subdivisions: ISO 3166-2 from Debian's iso-codes (iso_3166-2.json):\n"
              "# the states of Austria and Germany and the cantons of Switzerland by\n"
              "# their German names (iso_3166-2.mo); the two-tier counties, unitary\n"
              "# authorities and council areas of the UK; the states of the US and\n"
              "# Australia and the provinces of Canada, with their German names (US\n"
              "# states with their abbreviations of the AP style: Calif., Minn.); the\n"
              "# regions of Italy and France and Spain's autonomous communities by\n"
              "# their German names where iso-codes has one (else their own: Catalunya);\n"
              "# none that regions.tsv has.  Left\n"
              "# out: names that German uses as a word (Zug), names that are given\n"
              "# names (Uri, Kent, Victoria; not the US states), names that are an\n"
              "# English word (Surrey, Highland) and countries' names (Georgia).\n"
              "# Generated at build time by gen_gazetteer.py; do not edit.\n")
    seen = set()
    regional = regions_names()
    for sub in data:
        country = sub["code"][:2]
        de_name = None
        if country in SUBDIVISION_COUNTRIES:
            name = clean(de.gettext(sub["name"]))
            if not name or german_common(name, de_words):
                continue
        elif country == "GB" and sub["type"] in SUBDIVISION_GB_TYPES:
            name = clean(sub["name"])
            if not name or name.lower() in en_lower or name.casefold() in given:
                continue
        elif sub["type"] in SUBDIVISION_MORE.get(country, ()):
            # US states are kept though faker's US given names hold many
            # (Virginia, Indiana): beside a name word the plugin reads a
            # place as part of a person's name.  An apostrophe would read
            # as a possessive.
            name = clean(sub["name"])
            if not name or name.lower() in en_lower or name in countries_ or german_common(name, de_words) or \
                    "'" in name or "\u2019" in name:
                continue
            de_name = clean(de.gettext(sub["name"]))
            if not de_name or german_common(de_name, de_words) or de_name in countries_ or \
                    any(de_name.endswith(e) and de_name[:-len(e)] in de_words for e in ("n", "en")):
                de_name = None   # "Marken" (Marche) are brands: the plural of "Marke"
            if country in SUBDIVISION_GERMAN_ONLY:
                if not de_name:
                    continue
                name = de_name   # German's name, which may be the region's own (Bretagne)
            if de_name == name:
                de_name = None
            if name in regional or (de_name and de_name in regional):
                continue   # regions.tsv has it ("Sicily", de=Sizilien)
        else:
            continue
        name = tsv_field(name)
        if name.casefold() in given and country != "US":
            continue   # "Uri Geller", "Wallis Simpson"
        if name and name not in seen:
            seen.add(name)
            aliases = AP_STATES.get(name, "") if country == "US" else ""
            if de_name:
                out.write(f"place\t{name}\t{aliases}\tde={tsv_field(de_name)}\n")
            else:
                out.write(f"place\t{name}\t{aliases}\n" if aliases else f"place\t{name}\n")


def strings_in(node):
    """Every string constant under an AST node (a tuple of names, a dict or
    an OrderedDict of names and weights)."""
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            yield n.value


def places_and_languages():
    """Case-folded: the countries (English and German names), the cities
    that name time zones (zone.tab), the curated regions, and ISO 639-2's
    English language names."""
    out = set()
    with open(ISO_JSON, encoding="utf-8") as fh:
        data = json.load(fh)["3166-1"]
    try:
        de = gettext.translation("iso_3166-1", localedir=LOCALE_DIR, languages=["de"])
    except OSError:
        de = None
    for c in data:
        for n in (c["name"], c.get("common_name"), c.get("official_name")):
            if n:
                out.add(n.casefold())
                if de:
                    out.add(de.gettext(n).casefold())
    with open(ZONE_TAB, encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if not line.startswith("#") and len(parts) >= 3:
                out.add(parts[2].split("/")[-1].replace("_", " ").casefold())
    regions = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regions.tsv")
    with open(regions, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            fields = line.rstrip("\n").split("\t")
            for f in fields[1:]:
                for n in f.split("|"):
                    out.add(n.partition("=")[2].casefold() if "=" in n else n.strip().casefold())
    try:
        with open(os.path.join(os.path.dirname(ISO_JSON), "iso_639-2.json"), encoding="utf-8") as fh:
            for lang in json.load(fh)["639-2"]:
                for n in lang["name"].split(";"):
                    out.add(n.strip().casefold())
    except OSError:
        pass
    return out


def locale_given_names(loc, kind="first_name"):
    """The first names (kind "last_name": the surnames) of one faker
    locale, case-folded, or None when the locale is not installed."""
    path = os.path.join(FAKER_PERSON_DIR, loc, "__init__.py")
    try:
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), path)
    except (OSError, SyntaxError):
        return None
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        if not any(isinstance(t, ast.Name) and t.id.startswith(kind) for t in node.targets):
            continue
        for name in strings_in(node.value):
            name = unicodedata.normalize("NFC", name.strip())
            if len(name) >= 3 and name[0].isupper() and GIVEN_NAME.match(name):
                names.add(name.casefold())
    return names


def extra_name_ok(name, en_lower, en_proper, de_words, de_lower, places, org_heads):
    """Whether a romanised or typed given name may join the list: made by a
    scheme or typed, it has no other locale to vouch for it, so not one of
    three letters, nor a word of either language or a name ngerman or
    american-english has ("Kino", "Tod", "Slav"), nor a place's name
    ("Riad": Riyadh), nor the first word of a listed organisation's or
    product's name ("Spartak", "Lada")."""
    cap = name[:1].upper() + name[1:]
    return (len(name) >= 4 and GIVEN_NAME.match(name) is not None and name not in en_lower and
            cap not in en_proper and cap not in de_words and name not in de_lower and name not in places and
            name not in org_heads)


def list_first_words():
    """Case-folded first words of the bundled organisations' and products'
    names of two words or more."""
    out = set()
    here = os.path.dirname(os.path.abspath(__file__))
    for f in ("orgs.tsv", "products.tsv"):
        with open(os.path.join(here, f), encoding="utf-8") as fh:
            for line in fh:
                cols = line.rstrip("\n").split("\t")
                if line.startswith("#") or len(cols) < 2:
                    continue
                for n in [cols[1]] + (cols[2].split("|") if len(cols) > 2 else []):
                    words = n.split()
                    if len(words) >= 2:
                        out.add(words[0].casefold())
    return out


def given_names(extra=True):
    """{case-folded given name: also a word?} of faker's person providers,
    read as data (parsed, not imported), folded as the text layer folds a
    word's norm.  A name that is also an English or German word (Grant,
    Hans, but also Star, Unknown: the en locale's baby names) is kept only
    when two locales other than en have it, and marked: the heuristics then
    want a name word after it.  extra: with the romanised Cyrillic names and
    WORLD_GIVEN (extra_name_ok()); the place lists are made without them,
    so that those names change no town's reading."""
    per_locale = {}
    en_lower = {w.casefold() for w in english_words()}
    de_words = word_list(DE_WORDS, True)
    for loc, kind in [(loc, "first_name") for loc in GIVEN_LOCALES] + list(MORE_GIVEN_LOCALES):
        names = locale_given_names(loc, kind)
        if names is None:
            print(f"gen_gazetteer: warning: no faker locale {loc} under {FAKER_PERSON_DIR}", file=sys.stderr)
        else:
            per_locale[loc] = names
    if extra:
        de_lower = {w.casefold() for w in de_words}
        en_proper = {w for w in word_list(EN_WORDS, False) if w[:1].isupper()}
        places = {p.casefold() for p in place_names() if p} | places_and_languages()
        heads = list_first_words()
        known = set().union(*per_locale.values())

        # Only names no locale has: one that a locale has stays as that
        # locale reads it (its count of locales decides a word's mark).
        def ok(name):
            return name not in known and extra_name_ok(name, en_lower, en_proper, de_words, de_lower, places, heads)
        for loc in CYRILLIC_GIVEN_LOCALES:
            names = locale_given_names(loc)
            if names is None:
                print(f"gen_gazetteer: warning: no faker locale {loc} under {FAKER_PERSON_DIR}", file=sys.stderr)
                continue
            per_locale[loc] = {latin for name in names for latin in romanised(name, loc) if ok(latin)}
        per_locale["typed"] = {name for name in WORLD_GIVEN.split() if ok(name)}
    seen_in = {}
    for loc, names in per_locale.items():
        for name in names:
            seen_in[name] = seen_in.get(name, 0) + (loc != "en")
    # Names that are also a place or a language ("China", "Paris",
    # "Washington", "French") would make "China Precision Machinery" or
    # "French Culture" a person: the gazetteer and the heuristics' other
    # rules read them.
    places = places_and_languages()
    out = {}
    for name, locales in seen_in.items():
        if name in places:
            continue
        # A German word is one in any article; an English one only outside
        # German text ("Peter Binder": to peter out), when ngerman lacks it
        # or has it as a name, with a genitive in -s ("Peters"); a word
        # ngerman has without one may be a noun (Iris, Flora).  A plural
        # that is a given name too is no noun's of a name with such a
        # genitive (Christian, Christians: Christiane), but is one of a
        # noun without it (Christin: Christine, Christinnen).
        cap = name[:1].upper() + name[1:]
        listed, genitive = cap in de_words, cap + "s" in de_words
        german = cap.lower() in de_words or (listed and any(
            cap + e in de_words and not (genitive and (cap + e).casefold() in seen_in) for e in ("e", "en", "n")))
        english = name in en_lower
        word = True if german or (english and listed and not genitive) else "en" if english else False
        if word and locales < 2:
            continue
        out[name] = word
    for name, word in SHORT_GIVEN.items():
        out.setdefault(name, word)
    if len(out) < 1000:
        sys.exit(f"gen_gazetteer: only {len(out)} given names under {FAKER_PERSON_DIR} "
                 "(install python3-fake-factory)")
    return out


def given(out):
    names = given_names()
    out.write("# Given names: the first names of the person providers of Debian's\n"
              f"# python3-fake-factory ({FAKER_PERSON_DIR}), locales\n"
              f"# {', '.join(GIVEN_LOCALES + tuple(loc for loc, _ in MORE_GIVEN_LOCALES))},\n"
              f"# and {', '.join(CYRILLIC_GIVEN_LOCALES)} romanised as the English and German press do,\n"
              "# and the world's names typed in WORLD_GIVEN (these two only where no\n"
              "# locale has the name and extra_name_ok() allows it);\n"
              "# case-folded, one a line; \"NAME<TAB>word\" for a name that is also a\n"
              "# German word (Hans: kept only when two locales besides en have it),\n"
              "# \"NAME<TAB>word en\" for one that is an English word only (Grant,\n"
              "# Peter), and the short forms of English names faker lacks (Matt,\n"
              "# Phil; Bill and Rob marked).  The entities heuristics read a given\n"
              "# name before a capitalised word as a person, a marked one before a name\n"
              "# word only, \"word en\" outside German text (docs/plugins.md).\n"
              "# Without the names of countries, tz\n"
              "# cities, regions and languages.  Generated at build time by\n"
              "# gen_gazetteer.py; do not edit.\n")
    for name in sorted(names):
        out.write(name + {True: "\tword\n", "en": "\tword en\n"}.get(names[name], "\n"))


def main():
    kinds = {"countries": countries, "cities": cities, "towns": towns, "subdivisions": subdivisions,
             "given": given}
    if len(sys.argv) != 3 or sys.argv[1] not in kinds:
        sys.exit("usage: gen_gazetteer.py countries|cities|towns|subdivisions|given OUT")
    tmp = sys.argv[2] + ".tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            kinds[sys.argv[1]](out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    os.replace(tmp, sys.argv[2])


if __name__ == "__main__":
    main()
