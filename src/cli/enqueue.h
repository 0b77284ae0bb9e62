/* What knob enqueue's checks share, with and without a sweep stored (enqueue.c,
 * enqueue_space.c). */
#ifndef KNOB_CLI_ENQUEUE_H
#define KNOB_CLI_ENQUEUE_H

#include "knob.h"
#include "util/json.h"

/* A scratch study in memory in which the library itself checks enqueued values: the values
 * enqueued, then asked, so a value the space cannot hold is not taken from them. */
typedef struct enqueue_scratch {
    knob_storage *st;
    knob_study *s;
    knob_trial *t; /* the enqueued trial, asked */
} enqueue_scratch;

/* Opens x: a study named `study` (which the library's messages name) whose sampler is
 * `sampler` (NULL: random, seed 0, which draws what is not enqueued), lib_json enqueued in
 * it and asked. 0, or -1 with the library's message appended to err (one line); x is closed
 * by enqueue_scratch_close either way. */
int enqueue_scratch_open(enqueue_scratch *x, const char *study, const knob_sampler_plugin *sampler,
                         const char *lib_json, knobx_buf *err);
void enqueue_scratch_close(enqueue_scratch *x);

/* A given value as text, for messages and comparisons: a string as it is, numbers in full
 * (an integer beyond 2^53 by the digits it was given with, a number by its text as written,
 * a double's whole number by all its digits), a list or mapping as JSON. */
void enqueue_given_text(knobx_buf *b, const knobx_json *v);

#endif
