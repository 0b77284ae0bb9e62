/* libpq, opened when first needed (lazy.h): the functions src/storage/postgres.c and the
 * tests call. A call to one not listed here fails the link of libknob (-z defs): add it to
 * the list, with its prototype from libpq-fe.h. */
#include "util/lazy.h"

#ifdef KNOB_LAZY_LIBS
#include <libpq-fe.h>
#include <pthread.h>

#define PQ_FUNCTIONS(F, V)                                                                         \
    V(PQclear, (PGresult * res), (res))                                                            \
    F(char *, PQcmdTuples, (PGresult * res), (res), "")                                            \
    F(PGconn *, PQconnectdb, (const char *conninfo), (conninfo), NULL)                             \
    F(int, PQenterPipelineMode, (PGconn * conn), (conn), 0)                                        \
    F(char *, PQerrorMessage, (const PGconn *conn), (conn), (char *)lib.why)                       \
    F(PGresult *, PQexec, (PGconn * conn, const char *query), (conn, query), NULL)                 \
    F(PGresult *, PQexecPrepared,                                                                  \
      (PGconn * conn, const char *stmtName, int nParams, const char *const *paramValues,           \
       const int *paramLengths, const int *paramFormats, int resultFormat),                        \
      (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat), NULL)      \
    F(int, PQexitPipelineMode, (PGconn * conn), (conn), 0)                                         \
    V(PQfinish, (PGconn * conn), (conn))                                                           \
    F(PGresult *, PQgetResult, (PGconn * conn), (conn), NULL)                                      \
    F(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num),                         \
      (res, tup_num, field_num), 1)                                                                \
    F(int, PQgetlength, (const PGresult *res, int tup_num, int field_num),                         \
      (res, tup_num, field_num), 0)                                                                \
    F(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num),                       \
      (res, tup_num, field_num), "")                                                               \
    F(int, PQntuples, (const PGresult *res), (res), 0)                                             \
    F(PGpipelineStatus, PQpipelineStatus, (const PGconn *conn), (conn), PQ_PIPELINE_OFF)           \
    F(int, PQpipelineSync, (PGconn * conn), (conn), 0)                                             \
    V(PQreset, (PGconn * conn), (conn))                                                            \
    F(char *, PQresultErrorMessage, (const PGresult *res), (res), (char *)lib.why)                 \
    F(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode), NULL)    \
    F(ExecStatusType, PQresultStatus, (const PGresult *res), (res), PGRES_FATAL_ERROR)             \
    F(int, PQsendPrepare,                                                                          \
      (PGconn * conn, const char *stmtName, const char *query, int nParams,                        \
       const Oid *paramTypes),                                                                     \
      (conn, stmtName, query, nParams, paramTypes), 0)                                             \
    F(int, PQsendQueryParams,                                                                      \
      (PGconn * conn, const char *command, int nParams, const Oid *paramTypes,                     \
       const char *const *paramValues, const int *paramLengths, const int *paramFormats,           \
       int resultFormat),                                                                          \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat), \
      0)                                                                                           \
    F(int, PQsendQueryPrepared,                                                                    \
      (PGconn * conn, const char *stmtName, int nParams, const char *const *paramValues,           \
       const int *paramLengths, const int *paramFormats, int resultFormat),                        \
      (conn, stmtName, nParams, paramValues, paramLengths, paramFormats, resultFormat), 0)         \
    F(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn * conn, PQnoticeProcessor proc, void *arg), \
      (conn, proc, arg), NULL)                                                                     \
    F(ConnStatusType, PQstatus, (const PGconn *conn), (conn), CONNECTION_BAD)                      \
    F(PGTransactionStatusType, PQtransactionStatus, (const PGconn *conn), (conn), PQTRANS_UNKNOWN)

enum { PQ_FUNCTIONS(KNOBX_LAZY_INDEX, KNOBX_LAZY_INDEX_V) N_FUNCTIONS };
static const char *const names[] = {PQ_FUNCTIONS(KNOBX_LAZY_NAME, KNOBX_LAZY_NAME_V)};
static void *fns[N_FUNCTIONS];
static knobx_lazy lib = {.soname = KNOB_SONAME_PQ, .names = names, .fns = fns, .n = N_FUNCTIONS};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_once(void)
{
    knobx_lazy_open(&lib);
}

const char *knobx_lazy_pq(void)
{
    pthread_once(&once, open_once);
    return lib.missing;
}

static void *fn(int i)
{
    return knobx_lazy_pq() ? NULL : fns[i];
}

#define KNOBX_LAZY_FN fn
PQ_FUNCTIONS(KNOBX_LAZY_DEFINE, KNOBX_LAZY_DEFINE_V)

#else

const char *knobx_lazy_pq(void)
{
    return NULL;
}

#endif
