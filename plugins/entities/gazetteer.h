/* gazetteer: the entities a user lists in TSV files, merged.
 *
 *   # comment
 *   TYPE <TAB> NAME [<TAB> ALIAS|ALIAS... [<TAB> LANG=NAME|LANG=NAME...]]
 *
 * TYPE is org, person, place or product; NAME is the canonical name;
 * aliases are other ways of writing it; LANG=NAME gives the canonical name
 * in a language (ISO 639-1), which is also an alias.  An entry whose type
 * and name an earlier file already has adds to it: its aliases are added,
 * its localised names replace earlier ones.  A line "#!MARK ..." marks
 * the entries after it, up to the next such line ("#!none": no marks):
 *   - cue: names that are often ordinary words or people's names
 *     elsewhere (the towns list); they count only with a cue (resolve.c,
 *     cued()), unless a line without the mark lists them too;
 *   - town: names of towns and cities, whose clubs a sports report names
 *     by them (resolve_sports_clubs()); one marked line is enough;
 *   - sport: the aliases on these lines (not the names) count only in a
 *     report on team sport, where clubs go by short names ("Rapid" for
 *     Rapid Wien) that are words or places elsewhere;
 *   - caps: the aliases on these lines (not the names) match only where
 *     the article writes their words in capitals, as the alias does
 *     ("STANDARD" for Der Standard, not "Standard"); other aliases in
 *     capitals of four letters or more match any capitalised spelling;
 *   - nation: countries and nations, whose names a sports report uses
 *     for their national teams (resolve_drop_national_teams()); one
 *     marked line is enough;
 *   - adjective: the aliases on these lines (not the names) are
 *     adjectives that name the entry only before a person or an office
 *     ("Conservative MP Sarah Smith", "Republican Sen. Ted Cruz"):
 *     resolve_drop_lone_adjectives();
 *   - media: every name of these lines (the NAME too, unless a line
 *     without the mark lists it) names a paper or a magazine only where
 *     the text names it as one ("sagte der Presse", "told the Sun"):
 *     resolve_drop_unnamed_media().
 * docs/plugins.md documents the format. */
#ifndef ENTITIES_GAZETTEER_H
#define ENTITIES_GAZETTEER_H

#include "strmap.h"

#include <stddef.h>
#include <stdint.h>

enum ent_type { ENT_ORG, ENT_PERSON, ENT_PLACE, ENT_PRODUCT, ENT_TYPE_COUNT };

const char *ent_type_name(enum ent_type t);

#define GZ_LANG_MAX 8
/* Entries of all files together: a hit keeps an entry's number in 28
 * bits (matcher.h). */
#define GZ_ENTRIES_MAX (1u << 28)
#define GZ_NAME_MAX 200

/* 24 bytes: the bundled lists have 25,000 entries, most of them a town
 * with neither aliases nor localised names.  The aliases and the
 * localised names share one array (one block, one pointer): first the
 * n_aliases aliases, then for each localised name its language and the
 * name (gz_local_lang(), gz_local_name()).  The strings are the
 * gazetteer's (its pool). */
struct gz_entry {
    uint8_t type;       /* enum ent_type */
    uint8_t needs_cue : 1;  /* only from lines marked "#!cue" */
    uint8_t town : 1;       /* from a line marked "#!town" */
    uint8_t nation : 1;     /* from a line marked "#!nation" */
    uint8_t media_only : 1; /* only from lines marked "#!media": its NAME is a marked alias */
    uint16_t n_locals;
    uint32_t n_aliases;
    const char *name;
    const char **aliases;
};

static inline const char *gz_local_lang(const struct gz_entry *e, size_t i)
{
    return e->aliases[e->n_aliases + 2 * i];
}

static inline const char *gz_local_name(const struct gz_entry *e, size_t i)
{
    return e->aliases[e->n_aliases + 2 * i + 1];
}

struct gz_pool_chunk;

/* An alias from a line marked "#!sport", "#!caps", "#!adjective" or
 * "#!media", or the NAME of a "#!media" line (the gazetteer's pool
 * string). */
struct gz_marked_alias {
    uint32_t entry;
    uint8_t sport : 1;  /* counts only in a sports report */
    uint8_t caps : 1;   /* matches only where written in capitals */
    uint8_t adjective : 1;  /* counts only before a person or an office */
    uint8_t media : 1;  /* counts only where the text names a paper or a magazine */
    const char *alias;
};

struct gazetteer {
    struct gz_entry *v;
    size_t n, cap;
    struct gz_marked_alias *marked;
    size_t n_marked, marked_cap;
    struct strmap index;  /* "TYPE\tNAME" -> entry; dropped by gz_seal() */
    struct gz_pool_chunk *pool;  /* the names' bytes, in chunks that never move */
    int sealed;
};

void gz_init(struct gazetteer *g);
void gz_free(struct gazetteer *g);
/* Read one file into g.  0, or -1 with "PATH:LINE: what is wrong" (or
 * "PATH: cause") in err; g then holds what came before the bad line, so a
 * caller that must keep its old list throws g away. */
int gz_load_file(struct gazetteer *g, const char *path, char *err, size_t errlen);
/* The marks of a line "#!cue town". */
#define GZ_MARK_CUE 1u
#define GZ_MARK_TOWN 2u
#define GZ_MARK_SPORT 4u
#define GZ_MARK_NATION 8u
#define GZ_MARK_CAPS 16u
#define GZ_MARK_ADJECTIVE 32u
#define GZ_MARK_MEDIA 64u
/* Parse one line (without its newline) as gz_load_file() does, its
 * entries marked with marks (GZ_MARK_*): 0 (also for comments and blank
 * lines), or -1 with the reason in err. */
int gz_add_line(struct gazetteer *g, const char *line, size_t len, unsigned marks, char *err, size_t errlen);
/* Done loading: give back the unused room and drop the index (later
 * gz_add_line() calls then fail). */
void gz_seal(struct gazetteer *g);
/* The canonical name of e in lang (its LANG=NAME), else its name. */
const char *gz_entry_name(const struct gz_entry *e, const char *lang);

#endif
