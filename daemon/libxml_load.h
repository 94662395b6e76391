/*
 * libxml2, opened on the first HTML page rather than linked: with ICU,
 * zlib and liblzma, which it brings, it was ~1 MB of resident pages in
 * every daemon, and a feed of plain-text articles never calls it
 * (docs/architecture.md, "Memory").  The HTML parser (html_*.c) calls it
 * through here only.
 */
#ifndef NEWSD_LIBXML_LOAD_H
#define NEWSD_LIBXML_LOAD_H

#include <libxml/HTMLparser.h>

struct libxml {
    htmlDocPtr (*read_memory)(const char *buffer, int size, const char *url, const char *encoding,
                              int options);
    xmlNodePtr (*root_element)(const xmlDoc *doc);
    void (*free_doc)(xmlDocPtr doc);
    xmlChar *(*node_content)(const xmlNode *node);
    void (*free)(void *mem);   /* what xmlFree points to */
};

/* libxml2's calls, the library loaded and initialised on the first call
 * (from any thread).  NULL when it cannot be loaded; *why then says why
 * (this thread's string, good until its next call), and the next call
 * tries again. */
const struct libxml *libxml_load(const char **why);

/* The same, once libxml_load() has succeeded (a tree exists). */
const struct libxml *libxml_loaded(void);

#endif
