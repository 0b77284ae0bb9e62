/* libmicrohttpd, opened when first needed (util/lazy.h): the functions of knob dashboard.
 * A call to one not listed here fails the link of knob: add it to the list, with its
 * prototype from microhttpd.h. */
#include "cli/dashboard.h"
#include "util/lazy.h"

#ifdef KNOB_LAZY_LIBS
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>

/* MHD_start_daemon's options come as varargs: its shim passes them on through
 * MHD_start_daemon_va. */
#define MHD_FUNCTIONS(F, V)                                                                        \
    F(enum MHD_Result, MHD_add_response_header,                                                    \
      (struct MHD_Response * response, const char *header, const char *content),                   \
      (response, header, content), MHD_NO)                                                         \
    F(struct MHD_Response *, MHD_create_response_from_buffer,                                      \
      (size_t size, void *buffer, enum MHD_ResponseMemoryMode mode), (size, buffer, mode), NULL)   \
    V(MHD_destroy_response, (struct MHD_Response * response), (response))                          \
    F(const char *, MHD_lookup_connection_value,                                                   \
      (struct MHD_Connection * connection, enum MHD_ValueKind kind, const char *key),              \
      (connection, kind, key), NULL)                                                               \
    F(int, MHD_get_connection_values_n,                                                            \
      (struct MHD_Connection * connection, enum MHD_ValueKind kind,                                \
       MHD_KeyValueIteratorN iterator, void *iterator_cls),                                        \
      (connection, kind, iterator, iterator_cls), -1)                                              \
    F(enum MHD_Result, MHD_queue_response,                                                         \
      (struct MHD_Connection * connection, unsigned int status_code,                               \
       struct MHD_Response *response),                                                             \
      (connection, status_code, response), MHD_NO)                                                 \
    V(MHD_stop_daemon, (struct MHD_Daemon * daemon), (daemon))

/* The variadic ones, defined by hand below. */
enum { MHD_FUNCTIONS(KNOBX_LAZY_INDEX, KNOBX_LAZY_INDEX_V) I_START_VA, I_DAEMON_INFO, N_FUNCTIONS };
static const char *const names[] = {
    MHD_FUNCTIONS(KNOBX_LAZY_NAME, KNOBX_LAZY_NAME_V) "MHD_start_daemon_va", "MHD_get_daemon_info"};
static void *fns[N_FUNCTIONS];
static knobx_lazy lib = {.soname = KNOB_SONAME_MHD, .names = names, .fns = fns, .n = N_FUNCTIONS};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_once(void)
{
    knobx_lazy_open(&lib);
}

const char *cli_lazy_mhd(void)
{
    pthread_once(&once, open_once);
    return lib.missing;
}

static void *fn(int i)
{
    return cli_lazy_mhd() ? NULL : fns[i];
}

#define KNOBX_LAZY_FN fn
MHD_FUNCTIONS(KNOBX_LAZY_DEFINE, KNOBX_LAZY_DEFINE_V)

typedef struct MHD_Daemon *start_va_fn(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                                       MHD_AccessHandlerCallback, void *, va_list);

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    start_va_fn *f = (start_va_fn *)fn(I_START_VA);
    if (!f)
        return NULL;
    va_list ap;
    va_start(ap, dh_cls);
    struct MHD_Daemon *d = f(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

/* It has no va_list form; libmicrohttpd 0.9 reads no varargs here, for any kind of
 * information (they are a leftover of an older interface), so none are passed on. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon,
                                                enum MHD_DaemonInfoType info_type, ...)
{
    typedef const union MHD_DaemonInfo *info_fn(struct MHD_Daemon *, enum MHD_DaemonInfoType, ...);
    info_fn *f = (info_fn *)fn(I_DAEMON_INFO);
    return f ? f(daemon, info_type) : NULL;
}

#else

const char *cli_lazy_mhd(void)
{
    return NULL;
}

#endif
