/* The journal's hash chain: each record sealed with SHA-256 over its content and the seal of the record before it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

#include "store_impl.h"

/* The canonical form a seal is taken over, so that anyone can check a
 * copy of the database with any SHA-256 (HACKING shows one in Python):
 *
 *     "dispute-journal-1\n", the previous record's seal (32 bytes; zeros
 *     for the first record), then for each of CHAIN_COLUMNS in order
 *     either the byte 0x00 (SQL NULL) or the byte 0x01, the length of the
 *     value as 8 bytes big-endian, and the value as SQLite gives it as text
 *     (integers in decimal).
 *
 * Never change it: a new form would be "dispute-journal-2" for new records. */
static const char CHAIN_MAGIC[] = "dispute-journal-1\n";

void chain_seal(const unsigned char prev[CHAIN_HASH_LEN], const char *const values[CHAIN_NCOLUMNS],
                const size_t lengths[CHAIN_NCOLUMNS], unsigned char out[CHAIN_HASH_LEN])
{
	struct sha256_ctx md;

	sha256_init(&md);
	sha256_update(&md, sizeof(CHAIN_MAGIC) - 1, (const uint8_t *)CHAIN_MAGIC);
	sha256_update(&md, CHAIN_HASH_LEN, prev);
	for (int i = 0; i < CHAIN_NCOLUMNS; i++) {
		unsigned char head[9] = {0};
		size_t n;

		if (!values[i]) {
			sha256_update(&md, 1, head);
			continue;
		}
		n = lengths ? lengths[i] : strlen(values[i]);
		head[0] = 1;
		for (int b = 0; b < 8; b++)
			head[1 + b] = (unsigned char)((unsigned long long)n >> (56 - 8 * b));
		sha256_update(&md, sizeof(head), head);
		sha256_update(&md, n, (const uint8_t *)values[i]);
	}
	sha256_digest(&md, CHAIN_HASH_LEN, out);
}

void chain_hex(const unsigned char hash[CHAIN_HASH_LEN], char out[CHAIN_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < CHAIN_HASH_LEN; i++) {
		out[2 * i] = digits[hash[i] >> 4];
		out[2 * i + 1] = digits[hash[i] & 15];
	}
	out[CHAIN_HEX_LEN] = '\0';
}

void chain_row_seal(sqlite3_stmt *st, int first, const unsigned char prev[CHAIN_HASH_LEN],
                    unsigned char out[CHAIN_HASH_LEN])
{
	const char *values[CHAIN_NCOLUMNS];
	size_t lengths[CHAIN_NCOLUMNS];

	/* Every byte SQLite holds is sealed, a NUL and what follows it too:
	 * text hidden after a NUL would be a change no reader of `show` sees. */
	for (int i = 0; i < CHAIN_NCOLUMNS; i++) {
		values[i] = (const char *)sqlite3_column_text(st, first + i);
		lengths[i] = (size_t)sqlite3_column_bytes(st, first + i);
	}
	chain_seal(prev, values, lengths, out);
}

const char *chain_row_types(sqlite3_stmt *st, int first)
{
	/* What each sealed column must hold: i integer, t text, and upper
	 * case when it may be NULL. */
	static const char want[CHAIN_NCOLUMNS + 1] = "iitItiTtItT";
	static const char *const names[CHAIN_NCOLUMNS] = {
		"id", "dispute_id", "day", "minute", "kind", "stage", "author", "text", "amends", "created", "state" };

	for (int i = 0; i < CHAIN_NCOLUMNS; i++) {
		int type = sqlite3_column_type(st, first + i);
		char w = want[i];

		if (type == SQLITE_NULL ? (w == 'i' || w == 't') :
		    type != ((w == 'i' || w == 'I') ? SQLITE_INTEGER : SQLITE_TEXT))
			return names[i];
	}
	return NULL;
}

/* Part of migration 7: seals every record already written, oldest first.
 * The update trigger is dropped by the migration's SQL for this and made
 * again after it, in the same transaction. */
enum status chain_seal_existing(struct store *s, struct error *err)
{
	static const char read_sql[] = "SELECT " CHAIN_COLUMNS " FROM records ORDER BY id";
	static const char write_sql[] = "UPDATE records SET prev = ?2, hash = ?3 WHERE id = ?1";
	sqlite3_stmt *rd = NULL, *wr = NULL;
	unsigned char prev[CHAIN_HASH_LEN] = {0}, hash[CHAIN_HASH_LEN];
	enum status rc;
	int src;

	if ((rc = db_prepare(s, read_sql, &rd, err)) != ST_OK || (rc = db_prepare(s, write_sql, &wr, err)) != ST_OK)
		goto out;
	while ((src = sqlite3_step(rd)) == SQLITE_ROW) {
		int brc = SQLITE_OK;

		chain_row_seal(rd, 0, prev, hash);
		sqlite3_reset(wr);
		bind_int(wr, 1, sqlite3_column_int64(rd, 0), &brc);
		if (brc == SQLITE_OK)
			brc = sqlite3_bind_blob(wr, 2, prev, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
		if (brc == SQLITE_OK)
			brc = sqlite3_bind_blob(wr, 3, hash, CHAIN_HASH_LEN, SQLITE_TRANSIENT);
		if ((rc = db_done(s, wr, brc, "cannot seal the journal", err)) != ST_OK)
			goto out;
		memcpy(prev, hash, CHAIN_HASH_LEN);
	}
	if (src != SQLITE_DONE)
		rc = db_fail(s, src, "cannot seal the journal", err);
out:
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	return rc;
}
