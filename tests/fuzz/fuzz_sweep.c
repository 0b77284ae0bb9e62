/* libFuzzer target: the sweep file parser (sweep_load_text, what `knob run` reads), then
 * what the CLI derives from a sweep it accepted (grid points, parameters by name). Every
 * input must be either refused or loaded and freed whole: ASan, UBSan and LeakSanitizer
 * report the rest. Seeds: corpus/sweep (make_corpus.sh). */
#include "cli/sweep.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    sweep sw;
    if (sweep_load_text("fuzz.yaml", text, &sw) == 0) {
        (void)sweep_is_grid(&sw);
        for (size_t i = 0; i < sw.n_params; i++) {
            char *json = NULL;
            int n = sweep_grid_values(&sw.params[i], &json);
            if ((n > 0) != (json != NULL))
                abort(); /* a count of points comes with their JSON, and only then */
            free(json);
            const sweep_param *p = sweep_find(&sw, sw.params[i].name);
            if (!p || strcmp(p->name, sw.params[i].name) != 0)
                abort(); /* a loaded parameter is found by its own name */
        }
        sweep_free(&sw);
    }
    free(text);
    return 0;
}
