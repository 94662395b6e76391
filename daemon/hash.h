/* Content identity: the first 128 bits of SHA-256, as 32 lowercase hex digits. */
#ifndef NEWSD_HASH_H
#define NEWSD_HASH_H

#include <stddef.h>

void hash_id(const unsigned char *bytes, size_t len, char out[33]);

#endif
