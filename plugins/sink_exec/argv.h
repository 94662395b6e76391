/* sink_exec's command line, split as a shell would split words, without a
 * shell: blanks separate words, '...' keeps everything literally, "..."
 * keeps blanks and takes \" \\ \$ \` as escapes, a backslash outside quotes
 * escapes the next character.  No variables, globs or substitutions. */
#ifndef SINK_EXEC_ARGV_H
#define SINK_EXEC_ARGV_H

/* A malloc'd NULL-terminated array (free with argv_free), or NULL with
 * *err (static text) when a quote is not closed, a backslash ends the
 * line, or there is no word. */
char **argv_split(const char *cmd, const char **err);
void argv_free(char **argv);

#endif
