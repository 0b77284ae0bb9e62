/* localsearch: a sampler plugin for knob (localsearch.c). */
#ifndef LOCALSEARCH_H
#define LOCALSEARCH_H

#include <knob.h>

/* The sampler's table: register it once (knob_sampler_register), then create it by its
 * name, "localsearch", with options "n_startup_trials=..,n_elite=..,min_scale=..,step=..". */
extern const knob_sampler_plugin localsearch_sampler;

/* Registers localsearch_sampler: the entry point a program that loads liblocalsearch.so
 * finds with dlsym(handle, KNOB_PLUGIN_INIT_SYMBOL). */
int knob_plugin_init(void);

#endif
