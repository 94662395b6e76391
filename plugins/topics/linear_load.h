/*
 * liblinear for training (newsd learn, POST /learn), loaded with dlopen()
 * on the first training rather than linked into newsd: with libblas it
 * was ~150 KB of resident pages in every daemon, and a daemon that only
 * tags with a trained model never trains (docs/architecture.md, "Memory").
 *
 * train.c includes this after <linear.h> with TOPICS_LINEAR_CALLS
 * defined, which turns its liblinear calls into calls through
 * topics_linear.
 */
#ifndef TOPICS_LINEAR_LOAD_H
#define TOPICS_LINEAR_LOAD_H

#include <stddef.h>
#include <linear.h>

#define TOPICS_LINEAR_FUNCTIONS(X) \
    X(train) X(check_parameter) X(set_print_string_function) X(get_nr_class) X(free_and_destroy_model)

struct topics_linear {
#define TOPICS_LINEAR_MEMBER(f) __typeof__(f) *f;
    TOPICS_LINEAR_FUNCTIONS(TOPICS_LINEAR_MEMBER)
#undef TOPICS_LINEAR_MEMBER
};

/* Filled by topics_linear_load(); read only after it returned 0. */
extern struct topics_linear topics_linear;

/* Load liblinear (any thread): 0, or -1 with err naming the library and
 * the cause.  Once loaded it stays for the life of the process; after a
 * failure the next call tries again. */
int topics_linear_load(char *err, size_t errlen);

#ifdef TOPICS_LINEAR_CALLS
#define train topics_linear.train
#define check_parameter topics_linear.check_parameter
#define set_print_string_function topics_linear.set_print_string_function
#define get_nr_class topics_linear.get_nr_class
#define free_and_destroy_model topics_linear.free_and_destroy_model
#endif

#endif
