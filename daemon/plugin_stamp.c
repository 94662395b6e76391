/* Reading a plugin's ABI stamp from its ELF file (see plugin_stamp.h). */
#include "plugin_stamp.h"

#include <newsd/plugin.h>

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_DATA ELFDATA2LSB
#else
#define NATIVE_DATA ELFDATA2MSB
#endif
#if __SIZEOF_POINTER__ == 8
#define NATIVE_CLASS ELFCLASS64
#else
#define NATIVE_CLASS ELFCLASS32
#endif

/* [off, off + len) lies inside a file of size bytes. */
static int in_file(uint64_t off, uint64_t len, size_t size)
{
    return off <= size && len <= size - off;
}

static int find_stamp(const unsigned char *f, size_t size, uint32_t *stamp, uint32_t *struct_size)
{
    const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)f;
    if (size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != NATIVE_CLASS || eh->e_ident[EI_DATA] != NATIVE_DATA ||
        eh->e_type != ET_DYN || eh->e_shentsize != sizeof(ElfW(Shdr)) ||
        !in_file(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr)), size))
        return -1;
    const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(f + eh->e_shoff);

    for (size_t i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_DYNSYM || sh[i].sh_link >= eh->e_shnum ||
            sh[i].sh_entsize != sizeof(ElfW(Sym)) || !in_file(sh[i].sh_offset, sh[i].sh_size, size))
            continue;
        const ElfW(Shdr) *strs = &sh[sh[i].sh_link];
        if (!in_file(strs->sh_offset, strs->sh_size, size))
            continue;
        const char *names = (const char *)f + strs->sh_offset;
        const ElfW(Sym) *sym = (const ElfW(Sym) *)(f + sh[i].sh_offset);
        size_t n = sh[i].sh_size / sizeof *sym;
        for (size_t k = 0; k < n; k++) {
            if (sym[k].st_name >= strs->sh_size || sym[k].st_shndx == SHN_UNDEF ||
                sym[k].st_shndx >= eh->e_shnum || sym[k].st_size < 8 ||
                strnlen(names + sym[k].st_name, strs->sh_size - sym[k].st_name) != strlen(NEWSD_PLUGIN_SYMBOL) ||
                strcmp(names + sym[k].st_name, NEWSD_PLUGIN_SYMBOL) != 0)
                continue;
            /* The descriptor's bytes: where its section's file image holds
             * its address.  A NOBITS section (.bss) has no stamp to read. */
            const ElfW(Shdr) *sec = &sh[sym[k].st_shndx];
            if (sec->sh_type == SHT_NOBITS || sym[k].st_value < sec->sh_addr ||
                sym[k].st_value - sec->sh_addr > sec->sh_size - 8)
                return -1;
            uint64_t off = sec->sh_offset + (sym[k].st_value - sec->sh_addr);
            if (!in_file(off, 8, size))
                return -1;
            memcpy(stamp, f + off, 4);
            memcpy(struct_size, f + off + 4, 4);
            return 0;
        }
    }
    return -1;
}

int plugin_file_stamp(const char *path, uint32_t *stamp, uint32_t *struct_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        close(fd);
        return -1;
    }
    void *f = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f == MAP_FAILED)
        return -1;
    int rc = find_stamp(f, (size_t)st.st_size, stamp, struct_size);
    munmap(f, (size_t)st.st_size);
    return rc;
}
