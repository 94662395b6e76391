/* Content identity via OpenSSL's SHA-256 (fast, vetted; a collision would
 * make two articles one, so a non-cryptographic hash will not do). */
#include "hash.h"

#include <openssl/sha.h>

void hash_id(const unsigned char *bytes, size_t len, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[SHA256_DIGEST_LENGTH];

    SHA256(bytes, len, md);
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[32] = '\0';
}
