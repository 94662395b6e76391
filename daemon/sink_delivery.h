/* The opaque newsd_delivery of the plugin ABI (1.3): one outbox item handed
 * to a sink's deliver().  The newsd_delivery_*() functions are in
 * sink_delivery.c. */
#ifndef NEWSD_SINK_DELIVERY_H
#define NEWSD_SINK_DELIVERY_H

#include <newsd/plugin.h>

#include "outbox.h"

struct newsd_delivery {
    struct outbox_item *item;
};

#endif
