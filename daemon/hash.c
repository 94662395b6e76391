/* Content identity via nettle's SHA-256 (fast, vetted; a collision would
 * make two articles one, so a non-cryptographic hash will not do).  Not
 * OpenSSL's: libcrypto's start-up (providers, configuration) left ~3 MB of
 * it resident in every newsd for this one function; nettle is as fast here
 * (SHA-NI, ~4 us per 2.6 kB article either way) and was loaded anyway
 * (libmicrohttpd -> gnutls). */
#include "hash.h"

#include <nettle/sha2.h>

void hash_id(const unsigned char *bytes, size_t len, char out[33])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[SHA256_DIGEST_SIZE];
    struct sha256_ctx ctx;

    sha256_init(&ctx);
    sha256_update(&ctx, len, bytes);
    sha256_digest(&ctx, sizeof md, md);
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[32] = '\0';
}
