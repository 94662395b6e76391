/*
 * Plugin names as tags and score rules record them: one copy per distinct
 * name for the life of the process, shared by every article.  An article
 * has ~20 tags and a few rules, each naming its plugin; a copy each was
 * ~0.7 KB an article, held by every article waiting for its archive batch
 * (hundreds in a burst).  The names are few (the configured instances and
 * "newsd"), so the table never needs to shrink.
 */
#ifndef NEWSD_PLUGIN_NAMES_H
#define NEWSD_PLUGIN_NAMES_H

/* The process's copy of name: equal strings give the same pointer.  Never
 * freed. */
const char *plugin_name_intern(const char *name);

#endif
