#include "cues.h"

#include "strmap.h"
#include "tokens.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

/* Word lists of the cues, as norms (case-folded).  They are the language's
 * grammar of names (legal forms, roles, speech verbs), not names. */
static const char *const legal_forms[] = {
    "inc.", "inc", "corp.", "corp", "co.", "ltd.", "ltd", "gmbh", "ag", "se", "plc", "llc", "s.a.",
    "n.v.", "kgaa", "corporation", "limited", "holdings", "holding", "group", "l.p.", NULL};
/* Words that describe a company rather than name it: cut off the end of a
 * name found by its legal form ("Naura Technology Group Ltd." -> Naura). */
static const char *const descriptors[] = {
    "technology", "technologies", "intelligent", "international", "electronics", "systems",
    "global", "company", "holdings", "holding", "group", "corporation",
    "&", "and", "und",
    /* German compounds' first halves, written apart before the legal form:
     * "Medial Beteiligungs GmbH" is Medial's holding firm. */
    "beteiligungs", "verwaltungs", "verm\xC3\xB6gensverwaltungs", NULL};
/* Last words that make a capitalised sequence an organisation. */
static const char *const org_words[] = {
    "bank", "university", "universität", "institute", "institut", "motors", "airlines", "airways",
    "agency", "ministry", "department", "commission", "council", "party", "foundation", "association",
    "fund", "capital", "partners", "labs", "pharmaceuticals", "authority", "bureau", "exchange",
    "reserve", "court", "stiftung", "partei", "semiconductor", "semiconductors", "networks",
    "insurance", "securities", "investments", "ventures", "studios", "entertainment", "media",
    "energy", "robotics", "motor", "airline", "post", "times", "journal", "herald", "tribune", "gazette",
    "chronicle", "examiner", "inquirer", "telegraph", "sentinel", "advertiser",
    "office", "service", "museum", "gallery", "galerie", "orchestra", "philharmonic", "philharmoniker",
    "police", "polizei", "army", "navy", "gericht", "gerichtshof", "ministerium", "club", "fc", "united",
    "rovers", "wanderers", "albion", "hotspur", "society", "committee", "federation", "trust", "group", "cinema",
    "laboratory", "laboratories", "centre", "center", "chamber", "academy", "college", "school", "library",
    "pictures", "records", "channel", "network", "guards", "regiment", "corps", "hospital", "infirmary",
    "akademie", "bibliothek", "zentrum", "radio", "aid", "relief", "television", "communications", "systems", "technologies", "software", "industries", "enterprises", "solutions",
    "productions", "coalition", "alliance", "partnership", "brewery", "brewing", "railways", "financial", "steel",
    "foods", "bancorp", "pharma", "therapeutics", "biosciences", "consulting", "advisors", "realty",
    "properties", "publishing", "tribunal", "assembly", "parliament", "congress", "research", "analytics", "verlag",
    "union", "board", "guild", "films",
    NULL};
/* Roles before a person's name ("Ministerpräsident Li Qiang"). */
static const char *const person_roles[] = {
    "ceo", "cfo", "cto", "coo", "präsident", "präsidentin", "ministerpräsident", "ministerpräsidentin",
    "kanzler", "kanzlerin", "bundeskanzler", "bundeskanzlerin", "minister", "ministerin",
    "mitbegründer", "mitbegründerin", "gründer", "gründerin", "chef", "chefin", "vorstandschef",
    "vorstandschefin", "sprecher", "sprecherin", "analyst", "analystin", "president", "chancellor",
    "secretary", "senator", "governor", "mayor", "chairman", "chairwoman", "founder", "co-founder",
    "cofounder", "spokesman", "spokeswoman", "spokesperson", "economist", "ökonom", "ökonomin",
    "director", "direktor", "direktorin", "executive", "officer", "premier", "king", "queen",
    "könig", "königin", "pope", "papst", "herr", "frau", "mr.", "mr", "mrs.", "mrs", "ms.", "ms",
    "dr.", "dr", "prof.", "prof", "sir", "vorstand", "gouverneur", "gouverneurin", "bürgermeister", "bürgermeisterin", "abgeordnete", "abgeordneter",
    "vorsitzende", "vorsitzender", "trainer", "coach", "manager", "managerin", "investor", "kapitän", "kapitänin",
    "professor", "professorin", "lawmaker", "judge", "richter", "richterin", "ambassador",
    "botschafter", "botschafterin", "commissioner", "kommissar", "kommissarin", "leader", "chief",
    "head", "adviser", "advisor", "envoy", "aide", "berater", "beraterin", "treasurer",
    /* Members of parliaments, before a name as titles are: "Labour MP
     * Chris Smith", "MEP Nigel Farage"; a colonel ("Colonel Bob Stewart";
     * the dotted "Col." is below).  Not "Justice": "Mr Justice Forbes" is
     * a judge, "Justice Ministry" none. */
    "mp", "mep", "msp", "colonel",
    /* A member of an Austrian state government: "Landesrat Hans Mayr". */
    "landesrat", "landesrätin",
    /* Occupations the press puts before a name ("Regisseur Ridley Scott",
     * "Torhüter Michael Esser"; the English ones, lower case only, are
     * english_occupations below). */
    "regisseur", "regisseurin", "schauspieler", "schauspielerin", "autor", "autorin", "moderator",
    "moderatorin", "stürmer", "stürmerin", "torhüter", "torhüterin", "torwart", "verteidiger",
    "verteidigerin", "mittelfeldspieler", "mittelfeldspielerin",
    /* English titles of the peerage, a name after them a person's ("Prince
     * Charles", "Lord Falconer", "Dame Judi Dench").  Not "Lady" (a song's
     * "Lady Marmalade"), "Baron" ("Sacha Baron Cohen"), "Earl" (the tea's
     * "Earl Grey") nor the German ones, which are surnames as often
     * (Birgit Prinz, Roman Herzog). */
    "prince", "princess", "lord", "dame", "duke", "duchess", "baroness",
    /* English titles of office and rank, as the segmenter keeps them
     * (daemon/abbrev.c): "Gov. Eric Holcomb", "Sen. Ted Cruz", "Lt Col
     * Alexander Vindman", "NASA Administrator Jim Bridenstine".  Not the
     * undotted "Gen", "Sen", "Rep": a German noun, a surname. */
    "gov.", "sen.", "rep.", "gen.", "col.", "col", "lt.", "lt", "sgt.", "sgt", "capt.", "capt", "cmdr.", "cmdr",
    "adm.", "maj.", "maj", "rev.", "hon.", "pres.", "supt.", "det.", "insp.", "administrator", NULL};
/* German compounds that end in a role: "Finanzminister", "US-Präsident",
 * "Weltranglisten-Leader". */
static const char *const role_suffixes[] = {
    "präsident", "präsidentin", "minister", "ministerin", "chef", "chefin", "kanzler", "kanzlerin",
    "sprecher", "sprecherin", "gründer", "gründerin", "vorsitzende", "vorsitzender", "direktor",
    "direktorin", "analyst", "analystin", "ökonom", "ökonomin", "bürgermeister", "vorstand", "gouverneur",
    "gouverneurin", "leader", "trainer", "trainerin", "coach", "regisseur", "regisseurin", "stürmer",
    "torhüter", "premier", NULL};
/* English occupations before a name: "actor Tom Hanks", "striker Paolo
 * di Canio".  Roles in lower case only (cue_role_lower_only()): written
 * with a capital they are a name ("Hans Singer", "Jörg Winger") or begin
 * a sentence. */
static const char *const english_occupations[] = {
    "actor", "actress", "singer", "songwriter", "author", "writer", "novelist", "poet", "composer",
    "conductor", "pianist", "guitarist", "drummer", "rapper", "comedian", "presenter", "artist", "designer",
    "photographer", "striker", "goalkeeper", "midfielder", "defender", "winger", "skipper", "referee",
    "boxer", "golfer", "jockey", "lawyer", "scientist", "researcher", "campaigner", "activist",
    "businessman", "businesswoman", "tycoon", "billionaire", "entrepreneur", NULL};
/* Roles that name the organisation after "von/der/of/at": "CEO von X". */
static const char *const org_roles[] = {
    "ceo", "cfo", "cto", "coo", "chef", "chefin", "gründer", "gründerin", "mitbegründer", "boss",
    "mitbegründerin", "founder", "co-founder", "cofounder", "chairman", "chairwoman", "vorstandschef",
    "vorstandschefin", "sprecher", "sprecherin", "spokesman", "spokeswoman", "spokesperson",
    "executive", "officer", "analyst", "analystin", "investor", "manager", "managerin", "direktor",
    "director", "präsident", "präsidentin", "president", "economist", "ökonom", "ökonomin", "analysts",
    "analysten", "economists", "ökonomen", "trader", "strategist",
    /* since 0.8.20: "chief of Brightcove", "editor of Mac Format",
     * "professor at Cornell" (rule_org_role() says which preposition each
     * takes) */
    "chief", "head", "editor", "professor", "professors", "lecturer", "researcher", "researchers",
    /* and works of a body, with by/from: "a survey by Hostway" */
    "survey", "study", "poll", "report", "analysis", "figures", "estimates", "forecast", "forecasts", NULL};
/* Nouns that stand before an organisation's name: "Gewerkschaft Verdi",
 * "das Start-up Aleph Alpha", "rival Xpeng", "Spanish side Celta Vigo",
 * "the band Kraftwerk"; German compounds end in them
 * ("Lokführergewerkschaft", "Nachrichtenportal"). */
static const char *const org_heads[] = {
    "gewerkschaft", "konzern", "hersteller", "herstellers", "firma", "unternehmen", "unternehmens",
    "start-up", "startup", "bank", "rivale", "rivalen", "verband", "partei", "autobauer", "versicherer",
    "zulieferer", "anbieter", "plattform", "gesellschaft", "fonds", "sender", "zeitung", "agentur",
    "airline", "fluggesellschaft", "reederei", "verein", "company", "firm", "maker", "chipmaker",
    "carmaker", "automaker", "rival", "lender", "retailer", "supplier", "insurer", "carrier", "fund",
    "broker", "brokerage", "conglomerate", "manufacturer", "publisher", "newspaper", "broadcaster",
    "regulator", "union", "side", "band", "website", "magazine", "label", "charity", "outfit", "magazin",
    "portal", "journal", "zeitschrift", "daily", "weekly", "tabloid", "blog", "group", "organisation",
    "organization", "body", "network", "institut", "kanzlei", "fachblatt", "wochenblatt", "boulevardblatt",
    "massenblatt", "parteiblatt", "klub", "kollektiv", "brauerei", "verlag", "videothek", "giant", "consortium",
    "gruppe", "gruppierung", "bewegung", "consultancy", "provider", "paper", "fansite", "blogzine", "duo", "trio",
    "collective", "analysts", "club", "unit", "station", "konzerns", "anbieters", "senders", "verlags",
    "autobauers", "versicherers", "zulieferers", "studio", "initiative",
    /* since 0.8.20 (before a given name a person's: rule_org_head()) */
    "developer", "operator", "chain", "distributor", "entwickler", "betreiber", "kette", NULL};
/* English nouns after a name that make it an organisation: "Edge
 * magazine", "the Sun newspaper", "the New Vision website". */
static const char *const org_tails[] = {"magazine", "newspaper", "website", "band", "tabloid", "consortium", NULL};
/* Second parts of a hyphenated word that make its first part an
 * organisation: "UniCredit-Chef", "GDL-Chef", "Nvidia-Aktie". */
static const char *const org_part_heads[] = {
    "chef", "chefin", "sprecher", "sprecherin", "gründer", "gründerin", "vorstand", "vorstandschef",
    "aktie", "aktien", "konzern", "tochter", "zentrale", "aufsichtsrat", "betriebsrat", "manager", "managerin",
    "mitarbeiter", "mitarbeiterin", "eigentümer", "eigentümerin", "aktionär", "aktionäre", "filiale", "filialen",
    "partei", NULL};
/* Last parts of a hyphenated word that make the whole an organisation:
 * "Schwarz-Gruppe". */
static const char *const org_whole_heads[] = {"gruppe", "holding", "stiftung", "werke", NULL};
/* Heads of organisations named "HEAD of/for/der/des/für NAME":
 * "Confederation of British Industry", "Verband der Automobilindustrie". */
static const char *const org_of_heads[] = {
    "confederation", "federation", "association", "institute", "university", "ministry", "department", "journal",
    "council", "chamber", "commission", "board", "society", "union", "bank", "court", "league",
    "organisation", "organization", "office", "bureau", "agency", "academy", "college", "verband",
    "bundesverband", "institut", "ministerium", "bundesministerium", "bundesamt", "kammer", "akademie",
    "universität", "hochschule", "gesellschaft", "stiftung", "bundesanstalt", "behörde", "museum", "library",
    "laboratory", "centre", "center", "school", "college", "academy", "campaign", "foundation", "trust", "fund",
    "alliance", "coalition", "forum", "network", "movement", "front", "party", "committee", "partei", NULL};
/* German heads that name an organisation before "für" only ("Zentrum für
 * Zeitgeschichte", "Bundesamt für Verfassungsschutz"), also as a
 * compound's end; not before der/des, a genitive ("im Zentrum der
 * Stadt", "das Amt des Präsidenten"). */
static const char *const org_for_heads[] = {
    "zentrum", "anstalt", "institut", "museum", "bibliothek", "akademie", "kommission", "ministerium",
    "verband", "fonds", "zentrums", "instituts", "museums", "ministeriums", "verbands", "verbandes", "kuratorium",
    "kuratoriums", "verein", "vereins", "sekretariat", "sekretariats", "agentur", "amt", "amts", "amtes", "rat",
    "rats", "rates", "vereinigung",
    /* since 0.8.20: "Landesgericht für Zivilrechtssachen" */
    "gericht", "gerichts", NULL};
/* Of those ending in -amt or -rat, the ones that take "für" as compounds
 * too; the others are ordinary words too often there ("Lehramt für
 * Mathematik", "ein Vorrat für Notfälle"), though a name adjective before
 * them names a body ("Europäisches Statistikamt", heur.c). */
static const char *const org_for_words[] = {
    "beirat", "beirats", "landesamt", "landesamts", "landesamtes", "bundesamts", "bundesamtes",
    "umweltbundesamt", NULL};
static const char *const org_of_preps[] = {"of", "for", "der", "des", "für", NULL};
/* Prepositions before a place: "in Baar", "near Belém", "aus Ningde".
 * Not "from", which comes before organisations and people as often.
 * German "in" comes before many capitalised nouns that the word list
 * lacks ("in Messaging-Apps"): heur.c's german_place_words() filters
 * them. */
static const char *const place_preps[] = {
    "in", "near", "aus", "nahe",
    /* German nouns of places, before the place's name as a preposition
     * is: "in der Stadt Yola", "in der Siedlung Tekoa", "im Bundesstaat
     * Adamawa" (heur.c reads them in German only; resolve.c, as the cue
     * of a listed town, with the other compounds in -stadt and -dorf). */
    "stadt", "hauptstadt", "kleinstadt", "hafenstadt", "grenzstadt", "küstenstadt", "dorf", "ortschaft",
    "gemeinde", "siedlung", "bundesstaat", "provinz", "kanton", "region", "bezirk", "distrikt", "bundesland",
    NULL};
static const char *const org_preps[] = {"von", "der", "des", "bei", "beim", "of", "at", "for", "by", "from", NULL};
static const char *const speech_verbs[] = {
    "sagte", "sagt", "erklärte", "erklärt", "betonte", "meinte", "schrieb", "said", "says", "told",
    "added", "stated", "wrote", "explained", "argued", "warned", "noted", "asked", "replied", "insisted",
    "recalled", "conceded", "fragte", "antwortete", "ergänzte", NULL};
/* Capitalised words that are never a name. */
static const char *const non_names[] = {
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
    "november", "dezember", "january", "february", "march", "may", "june", "july", "october",
    "december", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "okt.",
    "nov.", "dec.", "dez.", "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "euro", "dollar",
    "yuan", "prozent", "percent", "league", NULL};
/* The last word of the name of a street, building or venue: a given name
 * before it names the place, not a person ("Victoria Station", "George
 * Street", "Karl-Marx-Straße"); nor do titles and the first words of
 * places, which faker's lists hold as first names ("Prince", "Duke",
 * "Santa", "North"). */
static const char *const non_persons[] = {
    "street", "road", "avenue", "lane", "square", "station", "hall", "park", "bridge", "airport",
    "stadium", "arena", "centre", "center", "church", "cathedral", "chapel", "hospital", "school",
    "college", "theatre", "theater", "hotel", "tower", "house", "palace", "castle", "gardens",
    "pavilion", "amphitheatre", "amphitheater", "county", "island", "islands", "valley", "plaza", "boulevard",
    "mall", "highway", "motorway", "canal", "via", "viale", "corso", "piazza", "piazzale", "rue", "calle",
    "avenida",
    "strasse", "platz", "gasse", "allee", "bahnhof", "flughafen", "stadion", "brücke",
    "kirche", "dom", "halle", "schule", "klinik", "krankenhaus", "schloss", "turm",
    "prince", "princess", "duke", "earl", "lord", "lady", "bishop", "major", "general", "colonel",
    "captain", "justice", "saint", "santa", "san", "north", "south", "east", "west", "prinz", "prinzessin", "herzog", "graf", "gräfin", "bischof", NULL};
/* Words of a report on team sport, whose clubs go by their towns' names.
 * Words that other stories use as well are not among them: season,
 * manager, title, transfer, boss, coach, trainer, signing, "v" (a court
 * case), Saison, Meister, Klub, Vertrag, Spiel, Sieg. */
/* Written as the text layer folds them: ß as ss ("fussball"). */
static const char *const sport_words[] = {
    "striker", "strikers", "midfielder", "midfielders", "defender", "defenders", "goalkeeper",
    "goalkeepers", "keeper", "goalscorer", "equaliser", "equalizer", "penalty", "penalties",
    "premiership", "league", "fixture", "fixtures", "kick-off", "half-time", "scored", "scoring",
    "relegation", "relegated", "squad", "match", "matches", "goal", "goals", "winger", "full-back",
    "centre-back", "fly-half", "scrum-half", "wicket", "wickets", "innings", "semi-final",
    "quarter-final", "semi-finals", "quarter-finals", "semi-finalists", "quarter-finalists", "championship", "derby", "playoff", "play-off", "tournament", "referee",
    "injury-time", "stoppage-time", "try-scorer", "lineout", "scrum", "batsman", "bowler", "football",
    "soccer", "rugby", "cricket", "uefa", "fifa", "fa", "footballer", "footballers", "first-team", "hat-trick",
    "midfield", "friendlies", "team-mate", "team-mates", "teammate", "teammates", "debutant", "flanker",
    "flankers", "hamstring", "touchline", "sin-bin", "sin-binned", "twickenham", "murrayfield", "anfield",
    "highbury", "quarterback", "quarterbacks", "touchdown", "touchdowns", "linebacker", "linebackers",
    "cornerback", "pitcher", "pitchers", "inning", "three-pointer",
    "tor", "tore", "treffer", "stürmer", "mittelfeldspieler", "verteidiger", "torhüter", "tormann",
    "goalie", "elfmeter", "liga", "bundesliga", "abstieg", "aufstieg", "tabelle", "tabellenführer",
    "meisterschaft", "spieltag", "halbzeit", "schiedsrichter", "heimspiel", "auswärtsspiel", "pokal",
    "halbfinale", "viertelfinale", "achtelfinale", "bundesligist", "bundesligisten", "zweitligist", "zweitligisten",
    "erstligist", "erstligisten",
    "remis", "unentschieden", "kader", "mannschaft", "fussball", "eishockey", "teamchef", "legionär",
    "nationalspieler", "nationalteam", "öfb", "dfb", "ablöse", "ablösefrei", "fussballer", "cheftrainer",
    "transferfenster", "torschütze", "torjäger", "torwart", "absteiger", "aufsteiger", "nhl",
    "kickoff", NULL};
/* English words of a holding in a company: "in" after them names one
 * ("shares in Jarvis", "a stake in Tube Lines"); in lower case only
 * ("Acme Holdings in Leeds" is no holding).  Not "investing": one invests
 * in places too. */
static const char *const holdings[] = {
    "stake", "stakes", "share", "shares", "shareholding", "shareholdings", "holding", "holdings", NULL};
/* German public bodies named by the noun and their town, "Landesgericht
 * Linz", "Staatsanwaltschaft Wien", "Universität Twente", or by the
 * town's adjective, "Wiener Straflandesgericht"; compounds end in them
 * ("Arbeiterkammer"). */
static const char *const institutions[] = {
    "gericht", "gerichtshof", "staatsanwaltschaft", "universität", "hochschule", "kammer",
    "polizeidirektion", "polizeiinspektion", "bezirkshauptmannschaft", "stadtwerke", "rechnungshof", "akademie",
    /* the offices in -amt, by name: "amt" alone ends "Insgesamt",
     * "Ehrenamt" and "Lehramt" too */
    "kriminalamt", "finanzamt", "zollamt", "arbeitsamt", "landesamt", "bundesamt", "patentamt", "jugendamt",
    "sozialamt", "gesundheitsamt", "klinikum", "krankenhaus", "spital", "landtag", "landesregierung", "polizei",
    "feuerwehr",
    /* houses of the arts: "Kunsthaus Bregenz", "Landestheater Linz",
     * "Grazer Kunsthalle"; a theatre or an opera by its kind only, as the
     * ends "theater" and "oper" are figures of speech too ("Sommertheater",
     * "Seifenoper") */
    "museum", "kunsthaus", "schauspielhaus", "konzerthaus", "opernhaus", "festspielhaus", "kunsthalle",
    "bibliothek", "philharmonie", "landestheater", "stadttheater", "staatstheater", "nationaltheater",
    "burgtheater", "akademietheater", "volkstheater", "staatsoper", "volksoper",
    /* named by a family: "Weingut Polz", "Bankhaus Spängler" */
    "weingut", "bankhaus",
    /* since 0.8.20: the assembly of a profession's chambers, "Österreichischer
     * Rechtsanwaltskammertag" */
    "kammertag", NULL};
/* The short forms of such bodies, as words of their own only ("Uni
 * Linz", "TU Wien", "FH Kärnten"): inside a word they are other words'
 * ends ("Juni"). */
static const char *const institution_words[] = {"uni", "tu", "fh", NULL};
/* Words that open a clause after a comma: what follows is no apposition
 * ("Altach, wo der Trainer ...", "Leeds, where the chief ..."). */
static const char *const clause_words[] = {"wo", "wie", "wenn", "und", "oder", "where", "when", "and", "or",
                                           "while", NULL};
/* Acronyms in capitals that name no organisation: fields, measures,
 * kinds of things, ranks, events, documents, currencies and sports'
 * country codes (a list, since the word lists have few of them). */
static const char *const not_org_acronyms[] = {
    "uhd", "lcd", "led", "oled", "dvd", "usb", "pdf", "gps", "sms", "mms", "wlan", "lan", "dsl", "adsl",
    "lte", "gsm", "umts", "gprs", "hsdpa", "rfid", "nfc", "cpu", "gpu", "ram", "ssd", "hdd", "app", "api",
    "url", "www", "html", "http", "iptv", "pvr", "dvr", "drm", "pda", "rpg", "mmorpg", "fps", "dns", "vpn",
    "dna", "rna", "hiv", "aids", "sars", "bse", "mrt", "ekg", "bip", "gdp", "gnp", "cpi", "pmi", "eur", "usd",
    "chf", "gbp", "jpy", "cet", "mez", "gmt", "utc", "kwh", "mwh", "ceo", "cfo", "cto", "coo", "mep", "msp",
    "mba", "phd", "obe", "mbe", "cbe", "vip", "faq", "gmbh", "ltd", "plc", "inc", "llc", "agm", "egm", "ipo",
    "etf", "ttip", "ceta", "nafta", "dsgvo", "gdpr", "afa", "ahs", "bhs", "hak", "htl", "nms", "uni", "lhc",
    "suv", "pkw", "lkw", "aut", "ger", "sui", "ita", "fra", "esp", "ned", "bel", "nor", "swe", "fin", "den",
    "pol", "cze", "svk", "slo", "cro", "srb", "hun", "rou", "bul", "gre", "tur", "rus", "ukr", "blr", "kaz",
    "uzb", "usa", "can", "mex", "bra", "arg", "chn", "jpn", "kor", "aus", "nzl", "rsa", "gbr", "irl", "sco",
    "wal", "eng", "lat", "ltu", "est", "isl", "lux", "lie", "mon", "and", "chi", "col", "per", "ven", "ecu",
    "uru", "par", "bol", "isr", "irn", "irq", "ind", "pak", "tha", "vie", "ina", "mas", "sin", "phi", "egy",
    "mar", "tun", "alg", "ngr", "gha", "cmr", "civ", "sen", "ngo", "diy", "cgi", "cctv", "gis", "vod", "wap",
    "tpm", "sepa", "iban", "isin", "bic", "osx", "psx", "psp", "umd", "gta", "rpgs", "mtb", "bwl", "vwl",
    "ftse", "dax", "atx", "smi", "ces", "wwdc", "ifa", "mwc", "gdc", "lzw", "xdr", "jpeg", "mpeg", "wav",
    "xml", "ascii", "utf", "bmx", "suvs", "ufo", "ufos", "ngos", "ddr", "brd", "rgb", "nas", "ips",
    "hdr", "hdmi", "sata", "nvme", "gtx", "rtx", "amoled", "qled", "stoxx", "ctr", "cpc", "rtb", "roi",
    "kpi", "kpis", "seo", "saas", "crm", "erp", "cdma", "ppi", "dpi", "awd", "rwd", "mpg", "iot", "nft", "nfts",
    "sdk", "hvac", "wltp", "ebitda", "ebit", "capex", "opex", "mers", "covid", "öpnv", "spnv", "lkw", "pkw",
    NULL};
/* English words before "in" and the title of a work: "starred in Finding
 * Neverland", "her role in Closer".  Not "star", a noun as often ("a star
 * in Hollywood"). */
static const char *const in_a_work[] = {
    "starred", "stars", "starring", "role", "roles", "performance", "performances", "appeared", "appears",
    "appearing", "appearance", "appearances", "cameo", "acted", "acting", "featured", "character", "characters",
    "turn", "cast", NULL};
/* Nouns of a work before its title ("the film Vera Drake", "den Roman
 * Der Liebhaber"), read by works.c per language; German ones also at the
 * end of a compound ("Dokumentarfilm").  English: in lower case, not
 * those that are also verbs or adjectives before a name as often ("play",
 * "single", "track", "series", "show", "western": "to play England", "the
 * series Australia won", "western Europe"); "game" after "video".
 * German: not "Drama" ("das Drama Griechenlands"), "Spiel" or "Stück" (a
 * match, a piece of). */
const char *const cue_work_nouns_en[] = {
    "film", "movie", "biopic", "musical", "novel", "novella", "album", "song", "sitcom", "documentary", "opera",
    "ballet", "thriller", "blockbuster", "comedy", "drama", "cartoon", "book", "memoir", "poem", "soap", "game",
    NULL};
const char *const cue_work_nouns_de[] = {
    "film", "films", "filme", "roman", "romans", "album", "albums", "song", "songs", "lied", "liedes",
    "single", "musical", "musicals", "oper", "serie", "komödie", "thriller", "buch", "buches", "doku",
    "dokumentation", "sendung", "show", "videospiel", "computerspiel", "game", NULL};
static const char *const work_ends[] = {"film", "films", "roman", "romans", "album", NULL};
/* The last words of events' names, which end no person's: "Australian
 * Open", "Carling Cup". */
static const char *const event_words[] = {
    "cup", "open", "trophy", "championship", "championships", "awards", "festival", "marathon", "games",
    "olympics", "prix", "classic", "masters", "conference", "summit", "oscar", "oscars", "grammy", "grammys",
    "emmy", "emmys", "bafta", "baftas", NULL};
static const char *const articles[] = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen", "the",
    "a", "an", NULL};

static const struct {
    const char *const *list;
    uint32_t bit;
} cue_lists[] = {
    {legal_forms, C_LEGAL}, {descriptors, C_DESCR}, {org_words, C_ORGWORD}, {person_roles, C_PROLE}, {english_occupations, C_PROLE},
    {org_roles, C_OROLE}, {org_preps, C_OPREP}, {speech_verbs, C_SPEECH}, {non_names, C_NONNAME},
    {org_heads, C_ORGHEAD}, {place_preps, C_PLACEPREP}, {role_suffixes, C_ROLESUFFIX},
    {org_part_heads, C_ORGPART}, {org_whole_heads, C_ORGWHOLE}, {org_of_heads, C_ORGOF},
    {org_of_preps, C_OFPREP}, {org_for_heads, C_ORGFOR}, {org_for_words, C_ORGFOR}, {non_persons, C_NONPERSON}, {articles, C_ARTICLE}, {sport_words, C_SPORT}, {holdings, C_HOLDING},
    {institutions, C_INSTITUTION}, {institution_words, C_INSTITUTION}, {org_tails, C_ORGTAIL}, {clause_words, C_CLAUSE}, {not_org_acronyms, C_NOTORG},
    {in_a_work, C_INWORK}, {cue_work_nouns_en, C_INWORK}, {cue_work_nouns_de, C_INWORK}, {event_words, C_EVENT},
};

/* Norm -> the lists it is in, built once: a run looks every word up
 * once, not in every list. */
static struct strmap cue_map;
static struct strmap tail_map;  /* the last 3 bytes of every role suffix, org head and institution */
static struct strmap suffix_map; /* role suffixes, org heads and institutions -> their bits */
static int cue_map_ok;
/* The lengths of suffix_map's keys: bit L for length L (a key of 64 bytes
 * or more sets none: such lengths are always tried), and the longest. */
static uint64_t suffix_lens;
static size_t suffix_max;

#define TAIL 3
static pthread_once_t cue_once = PTHREAD_ONCE_INIT;

/* Filters in front of cue_map and tail_map, read before a word is
 * hashed: most words of an article are in no list, and a bit of its
 * first byte, last byte and length (cue_map), or of its last three bytes
 * (tail_map), tells most of them without the hash and the look-up. */
static uint64_t cue_ends[64];    /* 4096 bits */
static uint64_t tail_filter[512]; /* 32768 bits */

static unsigned cue_end_bit(const char *w, size_t len)
{
    uint32_t k = (unsigned char)w[0] | (uint32_t)(unsigned char)w[len - 1] << 8 | (uint32_t)(len & 0xff) << 16;
    return k * 2654435761u >> 20;
}

static unsigned tail_bit(const char *t)
{
    uint32_t k = (unsigned char)t[0] | (uint32_t)(unsigned char)t[1] << 8 | (uint32_t)(unsigned char)t[2] << 16;
    return k * 2654435761u >> 17;
}

static void build_cue_map(void)
{
    strmap_init(&cue_map);
    for (size_t i = 0; i < sizeof cue_lists / sizeof *cue_lists; i++)
        for (const char *const *w = cue_lists[i].list; *w; w++) {
            uint32_t bits = 0;
            strmap_get(&cue_map, *w, strlen(*w), &bits);
            if (strmap_put(&cue_map, *w, strlen(*w), bits | cue_lists[i].bit) < 0)
                return;
            unsigned b = cue_end_bit(*w, strlen(*w));
            cue_ends[b / 64] |= 1ull << (b % 64);
        }
    strmap_init(&tail_map);
    strmap_init_suffixes(&suffix_map);
    const char *const *tails[] = {role_suffixes, org_heads, institutions, org_for_heads, work_ends};
    const uint32_t tail_bits[] = {C_ROLESUFFIX, C_ORGHEAD, C_INSTITUTION, C_ORGFOR, C_INWORK};
    for (size_t i = 0; i < sizeof tails / sizeof *tails; i++)
        for (const char *const *w = tails[i]; *w; w++) {
            size_t len = strlen(*w);
            uint32_t bits = 0;
            strmap_get(&suffix_map, *w, len, &bits);
            if (len < TAIL || strmap_put(&tail_map, *w + len - TAIL, TAIL, 1) < 0 ||
                strmap_put(&suffix_map, *w, len, bits | tail_bits[i]) < 0)
                return;
            unsigned b = tail_bit(*w + len - TAIL);
            tail_filter[b / 64] |= 1ull << (b % 64);
            if (len < 64)
                suffix_lens |= 1ull << len;
            if (len > suffix_max)
                suffix_max = len;
        }
    strmap_seal(&cue_map);
    strmap_seal(&tail_map);
    strmap_seal(&suffix_map);
    cue_map_ok = 1;
}


uint32_t cue_bits(const char *norm, size_t len)
{
    uint32_t bits = 0;
    strmap_get(&cue_map, norm, len, &bits);
    return bits;
}

int cue_may_be(const char *norm, size_t len)
{
    if (len == 0)
        return 1;
    unsigned b = cue_end_bit(norm, len);
    return cue_ends[b / 64] >> (b % 64) & 1;
}

uint32_t cue_bits_hashed(const char *norm, size_t len, uint32_t hash)
{
    uint32_t bits = 0;
    strmap_get_hashed(&cue_map, norm, len, hash, &bits);
    return bits;
}





/* The maps live as long as the plugin is loaded: a reload unloads it
 * (dlclose) and loads a fresh copy with fresh statics, so they go with the
 * code that built them.  strmap_free() of a map never built is fine
 * (strmap_init() zeroes; static storage starts zeroed). */
__attribute__((destructor)) static void cues_unload(void)
{
    strmap_free(&cue_map);
    strmap_free(&tail_map);
    strmap_free(&suffix_map);
}

int cues_init(void)
{
    pthread_once(&cue_once, build_cue_map);
    return cue_map_ok ? 0 : -1;
}

int cue_role_lower_only(const char *norm, size_t len)
{
    return norm_in_list(norm, len, english_occupations);
}

uint32_t cue_suffix_bits(const char *norm, size_t len)
{
    uint32_t one, bits = 0;
    /* Most words fail on their last three bytes already. */
    if (len <= TAIL)
        return 0;
    unsigned tb = tail_bit(norm + len - TAIL);
    if (!(tail_filter[tb / 64] >> (tb % 64) & 1) || !strmap_get(&tail_map, norm + len - TAIL, TAIL, &one))
        return 0;
    /* "Finanzminister": a suffix after at least three bytes.  Only those
     * as long as some key are asked; hashed from the end, a suffix's hash
     * is that of itself alone, so only they are hashed. */
    uint32_t hs[128];
    if (len > sizeof hs / sizeof *hs)
        return 0;
    size_t lo = len > suffix_max + 3 ? len - suffix_max : 3;
    strmap_suffix_hashes(norm + lo, len - lo, hs);
    for (size_t k = lo; k + TAIL <= len; k++) {
        uint32_t b;
        if ((len - k >= 64 || (suffix_lens >> (len - k) & 1)) && ((unsigned char)norm[k] & 0xC0) != 0x80 &&
            strmap_get_hashed(&suffix_map, norm + k, len - k, hs[k - lo], &b))
            bits |= b;
    }
    return bits;
}

/* Top-level domains of the web sites news names: generic ones and those
 * of the countries whose press newsd reads most.  Not every country's: a
 * two-letter word in lower case after a missing space ("die Rede.es
 * war") would pass. */
static const char *const web_tlds[] = {"com", "net", "org", "info", "biz", "de", "at", "ch", "uk", "eu", "fm",
                                       "tv", "io", "fr", "nl", "ie", "us", NULL};

int cue_web_domain(const char *text, size_t len)
{
    /* Labels of ASCII letters, digits and hyphens between dots, the last a
     * top-level domain in lower case as written.  Not a host ("www.",
     * "pic.twitter.com" comes with a path: the caller looks), not the
     * "dot.com" of the boom. */
    size_t labels = 1, last = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '.') {
            if (i == 0 || i == last || i + 1 == len)
                return 0;
            labels++;
            last = i + 1;
        } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
            return 0;
        }
    }
    if (labels < 2 || (len >= 4 && strncasecmp(text, "www.", 4) == 0) || (len == 7 && strncasecmp(text, "dot.com", 7) == 0))
        return 0;
    for (const char *const *w = web_tlds; *w; w++)
        if (strlen(*w) == len - last && memcmp(*w, text + last, len - last) == 0)
            return 1;
    return 0;
}

int cue_peerage_title(const char *norm, size_t len)
{
    static const char *const titles[] = {"lord", "baroness", "duke", "duchess", "prince", "princess", NULL};
    return norm_in_list(norm, len, titles);
}

int cue_sport_round(const char *norm, size_t len)
{
    static const char *const rounds[] = {"semi-final", "quarter-final", "semi-finals", "quarter-finals",
                                         "semi-finalists", "quarter-finalists", "halbfinale", "viertelfinale",
                                         "achtelfinale", "tournament", "championship", "match", "matches", NULL};
    return norm_in_list(norm, len, rounds);
}

int cue_acting_word(const char *norm, size_t len)
{
    return norm_in_list(norm, len, in_a_work);
}

uint32_t cue_bits_ascii_ci(const char *s)
{
    char buf[64];
    size_t n = 0;
    for (; s[n] && n < sizeof buf; n++)
        buf[n] = (char)(s[n] >= 'A' && s[n] <= 'Z' ? s[n] + 32 : s[n]);
    return n < sizeof buf ? cue_bits(buf, n) : 0;
}
