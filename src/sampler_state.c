/* Sampler states kept with a study (the plugin hooks save_state and load_state): a record
 * per study and sampler configuration in the storage (backend state_read/state_write), so
 * that a process that asks one trial (knob ask) loads the sampler's state and the trials
 * changed since instead of rebuilding it from every trial.
 *
 * The row's key is the sampler's name and a hash of its options (every option but the
 * seed), so a sampler of another configuration never reads it. The record is a header
 * (magic, format version, the study's id, the name's and the options' hashes, the stamp,
 * the body's length and checksum) and the plugin's body; a record that does not check out
 * is not given to the plugin, which then rebuilds from the trials. The state is written
 * once per handle, when the trial of its first ask leaves it (told or detached), and only
 * when that ask read no trials before the sampler ran (one trial per process); a write
 * that finds another writer holding the storage is dropped (a cache). A record read and
 * given to the plugin is written again only once the study has changed STATE_REWRITE times
 * since its stamp: until then each process brings it up to date from the trials changed
 * since (as it does anyway), and a `knob ask` at 100,000 trials does not write TPE's
 * 175 KB at every trial (bench/README.md, startup).
 *
 * KNOB_SAMPLER_STATE=off in the environment: none read or written. */
#include "math/hash.h"
#include "plugin.h"
#include "study.h"

#include <stdio.h>
#include <string.h>

#define STATE_MAGIC UINT64_C(0x31747373626f6e6b) /* "knobsst1" read as a little-endian word */
#define STATE_VERSION 1u
/* Changes of the study (stamps: a trial asked and told by knob ask / knob tell makes about
 * four) after a record's stamp before it is written again. */
#define STATE_REWRITE 256

typedef struct state_head {
    uint64_t magic;
    uint32_t version, head_size;
    int64_t study, stamp;
    uint64_t name_hash, options_hash;
    uint64_t body_len, sum;
} state_head;
_Static_assert(sizeof(state_head) == 64, "the header has no padding");

static bool state_off(void)
{
    const char *env = getenv("KNOB_SAMPLER_STATE");
    return env && strcmp(env, "off") == 0;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

uint64_t knob__sampler_options_hash(const knob_sampler *sm)
{
    const knob_sampler_plugin *pl = sm->plugin;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (const knob_option *o = pl->options; o && o->name; o++) {
        const char *at = (const char *)sm->state + o->offset;
        h = mix(h, o->name, strlen(o->name) + 1);
        switch (o->type) {
        case KNOB_OPT_INT:
            h = mix(h, at, sizeof(int64_t));
            break;
        case KNOB_OPT_DOUBLE:
            h = mix(h, at, sizeof(double));
            break;
        case KNOB_OPT_BOOL:
            h = mix(h, at, sizeof(bool));
            break;
        default: {
            const char *text = *(const char *const *)(const void *)at;
            h = text ? mix(h, text, strlen(text) + 1) : mix(h, "", 1);
            break;
        }
        }
    }
    return h;
}

uint64_t knob__state_checksum(const void *data, size_t n)
{
    return mix(UINT64_C(0x9e3779b97f4a7c15) ^ n, data, n);
}

static bool has_hooks(const knob_study *s)
{
    const knob_sampler_plugin *pl = s->sampler->plugin;
    return pl->save_state && pl->load_state && knob__store_has_states(s) && !state_off();
}

static void state_key(const knob_study *s, char *key, size_t size)
{
    snprintf(key, size, "%s/%016llx", s->sampler->plugin->name,
             (unsigned long long)knob__sampler_options_hash(s->sampler));
}

void *knob__state_encode(const knob_study *s, int64_t stamp, const void *body, size_t len,
                         size_t *out_len)
{
    unsigned char *p = malloc(sizeof(state_head) + (len ? len : 1));
    if (!p)
        return NULL;
    state_head h = {.magic = STATE_MAGIC,
                    .version = STATE_VERSION,
                    .head_size = sizeof h,
                    .study = s->id,
                    .stamp = stamp,
                    .name_hash = knob__hash(s->sampler->plugin->name),
                    .options_hash = knob__sampler_options_hash(s->sampler),
                    .body_len = len,
                    .sum = knob__state_checksum(body, len)};
    memcpy(p, &h, sizeof h);
    if (len)
        memcpy(p + sizeof h, body, len);
    *out_len = sizeof h + len;
    return p;
}

int knob__state_check(const knob_study *s, int64_t stamp, const void *data, size_t len,
                      const void **body, size_t *body_len)
{
    state_head h;
    if (!data || len < sizeof h)
        return knob__error(KNOB_ECORRUPT, "study '%s': sampler state: too short", s->name);
    memcpy(&h, data, sizeof h);
    const unsigned char *b = (const unsigned char *)data + sizeof h;
    if (h.magic != STATE_MAGIC || h.version != STATE_VERSION || h.head_size != sizeof h)
        return knob__error(KNOB_ECORRUPT,
                           "study '%s': sampler state: format %u (this knob reads %u)", s->name,
                           h.version, STATE_VERSION);
    if (h.study != s->id || h.stamp != stamp || stamp <= 0 ||
        h.name_hash != knob__hash(s->sampler->plugin->name) ||
        h.options_hash != knob__sampler_options_hash(s->sampler))
        return knob__error(KNOB_ECORRUPT,
                           "study '%s': sampler state: another study's, stamp or sampler", s->name);
    if (h.body_len != len - sizeof h || knob__state_checksum(b, h.body_len) != h.sum)
        return knob__error(KNOB_ECORRUPT, "study '%s': sampler state: damaged (length or checksum)",
                           s->name);
    *body = b;
    *body_len = h.body_len;
    return KNOB_OK;
}

typedef struct load_ctx {
    knob_study *s;
    bool given;
} load_ctx;

static int on_record(void *ctx, int64_t stamp, const void *data, size_t len)
{
    load_ctx *c = ctx;
    const void *body = NULL;
    size_t n = 0;
    if (knob__state_check(c->s, stamp, data, len, &body, &n))
        return KNOB_OK; /* not trusted: the sampler rebuilds */
    c->s->sampler->plugin->load_state(c->s->sampler->state, c->s, body, n, stamp);
    c->given = true;
    c->s->state_stamp = stamp;
    return KNOB_OK;
}

void knob__sampler_state_load(knob_study *s)
{
    if (!has_hooks(s))
        return;
    char key[160];
    state_key(s, key, sizeof key);
    load_ctx c = {s, false};
    s->state_stamp = 0;
    knob__store_state_read(s, key, on_record, &c);
    s->state_save = true;
}

void knob__sampler_state_save(knob_study *s)
{
    if (!s->state_save || !has_hooks(s))
        return;
    s->state_save = false;
    void *body = NULL;
    size_t len = 0;
    int64_t stamp = 0;
    /* The record read is recent and was used: the sampler read only the trials changed
     * since (a partial view; one that fell back to every trial read the study whole). */
    if (s->state_stamp > 0 && s->view.partial && s->view.seq >= s->state_stamp &&
        s->view.seq - s->state_stamp < STATE_REWRITE)
        return;
    if (s->sampler->plugin->save_state(s->sampler->state, s, &body, &len, &stamp) || stamp <= 0) {
        free(body);
        return;
    }
    size_t n;
    void *rec = knob__state_encode(s, stamp, body, len, &n);
    free(body);
    if (!rec)
        return;
    char key[160];
    state_key(s, key, sizeof key);
    bool written;
    knob__store_state_write(s, key, stamp, rec, n, &written);
    free(rec);
}
