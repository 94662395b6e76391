/* gazetteer: the entities a user lists in TSV files, merged.
 *
 *   # comment
 *   TYPE <TAB> NAME [<TAB> ALIAS|ALIAS... [<TAB> LANG=NAME|LANG=NAME...]]
 *
 * TYPE is org, person, place or product; NAME is the canonical name;
 * aliases are other ways of writing it; LANG=NAME gives the canonical name
 * in a language (ISO 639-1), which is also an alias.  An entry whose type
 * and name an earlier file already has adds to it: its aliases are added,
 * its localised names replace earlier ones.  A file whose first line is
 * "#!cue" (the towns list) holds names that are often ordinary words or
 * people's names elsewhere: its entries count only with a cue (see
 * entities.c, cued()), unless another file lists them too.  docs/plugins.md
 * documents the format. */
#ifndef ENTITIES_GAZETTEER_H
#define ENTITIES_GAZETTEER_H

#include "strmap.h"

#include <stddef.h>
#include <stdint.h>

enum ent_type { ENT_ORG, ENT_PERSON, ENT_PLACE, ENT_PRODUCT, ENT_TYPE_COUNT };

const char *ent_type_name(enum ent_type t);

#define GZ_LANG_MAX 8
#define GZ_NAME_MAX 200

struct gz_local {
    char lang[GZ_LANG_MAX];
    char *name;
};

struct gz_entry {
    enum ent_type type;
    int needs_cue;      /* only from files marked "#!cue", and from no other file */
    char *name;
    struct gz_local *locals;
    size_t n_locals;
    char **aliases;
    size_t n_aliases;
};

struct gazetteer {
    struct gz_entry *v;
    size_t n, cap;
    struct strmap index;  /* "TYPE\tNAME" -> entry */
};

void gz_init(struct gazetteer *g);
void gz_free(struct gazetteer *g);
/* Read one file into g.  0, or -1 with "PATH:LINE: what is wrong" (or
 * "PATH: cause") in err; g then holds what came before the bad line, so a
 * caller that must keep its old list throws g away. */
int gz_load_file(struct gazetteer *g, const char *path, char *err, size_t errlen);
/* Parse one line (without its newline) as gz_load_file() does: 0 (also for
 * comments and blank lines), or -1 with the reason in err. */
int gz_add_line(struct gazetteer *g, const char *line, size_t len, int needs_cue, char *err, size_t errlen);
/* The canonical name of e in lang (its LANG=NAME), else its name. */
const char *gz_entry_name(const struct gz_entry *e, const char *lang);

#endif
