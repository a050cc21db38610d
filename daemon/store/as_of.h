/*
 * as_of.h — "what did we know then": moments to look back at, named
 * snapshots, and the history of every value a period has had.
 *
 * A moment is written as a date ("2025-06-01": the END of that day, UTC,
 * 23:59:59, so that "as of the meeting day" includes what was collected
 * that day), an RFC 3339 date-time ("2025-06-01T10:00:00Z" or "+02:00"),
 * or the name of a snapshot saved before.
 *
 * A snapshot is one line in STATE_DIR/snapshots, "NAME TIME":
 *
 *     board-2025-06 2025-06-01T10:00:00Z
 *
 * No data is copied: the journal keeps every value with its vintage, so a
 * name and a moment are all it takes (store_read_as_of() reads the state
 * of that moment back). The file is only ever appended to, under an
 * exclusive lock, and synced; it is opened with O_NOFOLLOW and read up to
 * AS_OF_FILE_MAX bytes. Names are [A-Za-z0-9._-]{1,64} and may not begin
 * like a date (dddd-dd-dd), so a name never reads as a moment.
 *
 * The history (as_of_history_read) is every value of every period as the
 * journal recorded it, in the order recorded: the revision listings and the
 * report's vintages file read it. Read-only, beside a running pejld.
 *
 * May use: core, model, the journal. Never writes the journal.
 */
#ifndef PEJL_AS_OF_H
#define PEJL_AS_OF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"

#define AS_OF_FILE "snapshots"
#define AS_OF_NAME_MAX 64
#define AS_OF_FILE_MAX (1024 * 1024)

struct as_of_snapshot {
    char name[AS_OF_NAME_MAX + 1];
    int64_t t;
};

/* Whether `name` can name a snapshot (see above). */
bool as_of_name_valid(const char *name);

/* The moment `spec` (a date, a date-time or a snapshot's name) stands for.
 * -1 with a message in `err` that says what to write instead; an unknown
 * name is told with the snapshots file and the names it holds. */
int as_of_resolve(const char *state_dir, const char *spec, int64_t *t, char *err, size_t errlen);

/* Appends "NAME TIME" to STATE_DIR/snapshots (creating it, mode 0640) and
 * syncs it. -1 with `err` for a malformed name, a name that exists, or a
 * file that cannot be written. */
int as_of_snapshot_save(const char *state_dir, const char *name, int64_t t, char *err,
                        size_t errlen);

/* A snapshot named PREFIX-DATE for `t` ("report-2025-06-01"), or
 * PREFIX-DATE.2, .3, … when that name exists; the name in `name`. */
int as_of_snapshot_save_dated(const char *state_dir, const char *prefix, int64_t t, char *name,
                              size_t namesize, char *err, size_t errlen);

/* Every snapshot saved, in the order saved: *out (free() it) holds *n.
 * A missing file is no snapshots (0, *out NULL); a malformed line is -1
 * with the file and line in `err`. */
int as_of_snapshot_list(const char *state_dir, struct as_of_snapshot **out, size_t *n, char *err,
                        size_t errlen);

struct store;
struct store_settings;

/* store_read_as_of() with RRD files of its own, written from its series
 * into a fresh folder under $TMPDIR (its path in `dir`), so that graphs
 * drawn from it show what was known at `as_of`. as_of_views_remove(dir)
 * removes the folder and what is in it (all written by this call). */
struct store *as_of_store_with_views(const struct store_settings *settings, int64_t as_of,
                                     char *dir, size_t dirsize, char *err, size_t errlen);
void as_of_views_remove(const char *dir);

/* One value a period has had: what the journal recorded, and when. */
struct as_of_vintage {
    struct pejl_period period;
    double value;
    uint32_t status;
    int64_t vintage;
};

struct as_of_history;

/* Every value of the series `key` and its members ("ls_exports";
 * "clinical_trials" and "clinical_trials.DK", …; "clinical_trials.DK"
 * alone), or of every series for key NULL, read from STATE_DIR/journal
 * without the lock. Records of a missing cell (nan) are left out. */
struct as_of_history *as_of_history_read(const char *state_dir, const char *key, char *err,
                                         size_t errlen);
void as_of_history_free(struct as_of_history *history);
/* The values of series `key`, sorted by period (its end), each period's in
 * the order recorded: the first is the first published. NULL, *n 0, when
 * the series has none. */
const struct as_of_vintage *as_of_history_series(const struct as_of_history *history,
                                                 const char *key, size_t *n);
/* Calls fn with every series' key, in no particular order. */
void as_of_history_each(const struct as_of_history *history, void (*fn)(const char *key, void *arg),
                        void *arg);

#endif
