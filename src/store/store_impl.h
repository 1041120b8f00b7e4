/* The SQLite handle behind a store, for storage-layer modules beside store.c (never for the layers above). */
#ifndef DISPUTE_STORE_DB_H
#define DISPUTE_STORE_DB_H

#include <sqlite3.h>

#include "dispute/store.h"

/* Returns the store's connection, borrowed: it stays owned by the store and
 * is closed by store_close.  Statements prepared on it must be finalized
 * before then. */
sqlite3 *store_db(struct store *s);

#endif
