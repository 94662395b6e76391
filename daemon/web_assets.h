/* The dashboard's static files (web/), built into newsd by web/embed.py. */
#ifndef NEWSD_WEB_ASSETS_H
#define NEWSD_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *name;           /* served as /assets/NAME */
    const char *content_type;
    const unsigned char *data;
    size_t size;
};

extern const struct web_asset web_assets[];
extern const unsigned web_n_assets;

#endif
