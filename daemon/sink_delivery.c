/* The newsd_delivery_*() functions of the plugin ABI (since 1.3). */
#include "sink_delivery.h"
#include "text.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *newsd_delivery_id(const newsd_delivery *d)
{
    return d->item->id;
}

const char *newsd_delivery_json(const newsd_delivery *d, size_t *len)
{
    if (len)
        *len = d->item->len;
    return d->item->json;
}

unsigned newsd_delivery_attempt(const newsd_delivery *d)
{
    return d->item->attempt;
}

int64_t newsd_delivery_created_ms(const newsd_delivery *d)
{
    return d->item->created_ms;
}

int newsd_delivery_fail(newsd_delivery *d, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt ? fmt : "failed", ap);
    va_end(ap);
    /* The first reason stays: it is usually the cause, the rest follow. */
    if (!d->item->error)
        d->item->error = text_utf8_repair(buf);
    return NEWSD_ERROR;
}
