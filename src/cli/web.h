/* The web page of knob report and knob dashboard (web/, bundled at build time and
 * embedded in the binary), and the study data it reads (web/src/model.js). */
#ifndef KNOB_CLI_WEB_H
#define KNOB_CLI_WEB_H

#include "knob.h"
#include "util/json.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The page: one HTML file with its script and style inlined, NUL-terminated, and its
 * length in *len; NULL when this knob was built without it (no node or npm at build time). */
const char *cli_web_page(size_t *len);

/* Where the report puts the study's data in the page. */
#define CLI_WEB_DATA_MARK "<!--KNOB_DATA-->"

/* Says on stderr that this knob has no page, and how to get one; returns -1. */
int cli_web_missing(const char *command);

/* The stored sweeps cli_web_study_json has read, each by its text exactly as stored (the
 * study's system attribute "sweep"), the most recently used kept: a dashboard's page polls
 * its study every few seconds, and reading the sweep again at each poll to label the axes
 * of the params it converts cost more than the rest of a poll without new trials. A
 * changed text is another key: read anew. One thread at a time. */
typedef struct cli_web_sweeps cli_web_sweeps;

/* Frees the sweeps read and the cache; NULL does nothing. */
void cli_web_sweeps_free(cli_web_sweeps *c);

/* Appends the study's JSON as the page reads it (web/src/model.js): its name, directions,
 * the objectives' names (metric_names: cli_objective_names's, or null),
 * params (every distribution seen), Pareto front, hypervolume history, note, and the
 * trials written since the change stamp `since` (0: all) as columns, with "stamp" to pass
 * next time; then `extra` (members as JSON text,
 * "\"a\":1,\"b\":2", or NULL). The stored sweep is read from *sweeps when it holds its
 * text, and kept there (a cache made on first use when *sweeps is NULL; the caller frees it
 * with cli_web_sweeps_free); sweeps NULL: read, and freed. The sweep's warnings are never
 * printed here. Returns 0, or -1 with knob_errmsg() saying why. */
int cli_web_study_json(knobx_buf *b, knob_study *s, int64_t since, const char *extra,
                       cli_web_sweeps **sweeps);

/* Appends the members "importance" and "importance_left_out" of the study's JSON (no comma
 * before or after). "importance": the fANOVA importance of the params for each objective, as a
 * list over the objectives of [{"name": ..., "share": ...}, ...] (most important first) or
 * null when it cannot be told (no params, fewer than two trials, an objective that never
 * varied: every share 0); "importance_left_out": for each objective the params of its trials
 * that fanova left out, [{"name": ..., "why": ...}, ...] in the words of knob importance's
 * warnings ([] when none; null when its importance failed). Both null for a study without
 * objective. 0, or -1 (with knob_errmsg() saying why) when an objective's importance failed
 * (null in its place). */
int cli_web_importance_json(knobx_buf *b, knob_study *s);

/* The members of cli_web_importance_json when there is no importance (yet). */
#define CLI_WEB_NO_IMPORTANCE "\"importance\":null,\"importance_left_out\":null"

#endif
