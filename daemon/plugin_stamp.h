/*
 * The ABI stamp of a plugin file, read from the file without loading it.
 *
 * dlopen() of a plugin built against a newer minor fails on the first
 * function this newsd lacks ("undefined symbol: newsd_..."), before the
 * descriptor can be read.  To say instead which ABI the plugin needs, the
 * loader reads the descriptor's two leading integers (the version stamp and
 * struct_size) straight from the ELF file: they are constants, stored as
 * they are, where the pointers around them would need relocating.
 */
#ifndef NEWSD_PLUGIN_STAMP_H
#define NEWSD_PLUGIN_STAMP_H

#include <stdint.h>

/* 0 with *stamp and *struct_size set; -1 when path is not an ELF shared
 * object of this machine's kind or exports no initialised descriptor. */
int plugin_file_stamp(const char *path, uint32_t *stamp, uint32_t *struct_size);

#endif
