/* The built-in storage backends, looked up by URL scheme. */
#include "storage/backend.h"

#include <stddef.h>

const knob__backend *const knob__backends[] = {
    &knob__backend_memory,
    &knob__backend_sqlite,
    &knob__backend_postgres,
    NULL,
};
