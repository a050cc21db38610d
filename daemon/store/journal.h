/*
 * journal.h — the observation journal: one append-only file in the state
 * directory that is the truth about every figure pejld has seen.
 *
 * Records are text lines, one observation each, with a CRC-32, and every
 * commit ends with a commit record that counts the records it closes:
 *
 *     pejl-journal 2
 *     ls_exports 2023 174 p 1763846400 4500c5dd
 *     strafniveau.M+K 2024 6.1 - 1763846400 7b044209
 *     (indicator or indicator.member, period, value or nan, status letters or -, vintage, crc)
 *     @commit 2 864c2ea2
 *
 * A record counts as stored only after journal_commit() has written it and
 * its commit record and fdatasync() has returned: records staged by every
 * collection that finished in one pass of the event loop share one fsync
 * (group commit). Replay applies a commit's records all or none: start-up
 * drops records whose commit record is missing (kill -9 or power loss
 * mid-commit, even after a large commit was partly written early) and a
 * torn last line, and says so; damage followed by intact records is
 * refused, never silently cut away.
 *
 * Format 1 ("pejl-journal 1", before commit records) is still read: each of
 * its records counts by itself. journal_open() upgrades such a journal to
 * format 2 by appending a commit record for its records, then rewriting the
 * header's digit; a crash in between leaves a format 1 journal that reads
 * the same and is upgraded next time.
 *
 * Files in the state directory are opened with O_NOFOLLOW: a symbolic link
 * there is refused with an error, never followed.
 *
 * The journal never interprets records: which value is current is the
 * series module's business (series.h).
 */
#ifndef PEJL_JOURNAL_H
#define PEJL_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "collector.h"

#define JOURNAL_FILE "journal"
/* Series key: indicator id (64), '.', member. A member is any category
 * code without whitespace or control characters (series_member_valid()),
 * so the key is one space-free field as written, no quoting: journals of
 * the 15-byte [A-Za-z0-9_] members read the same. */
#define JOURNAL_KEY_MAX (64 + 1 + PEJL_MEMBER_MAX)

struct journal;

struct journal_record {
    const char *indicator;
    struct pejl_observation obs;
    int64_t vintage; /* unix time the value was first seen */
};

typedef int (*journal_replay_fn)(void *arg, const struct journal_record *record);

/* Opens (creating) STATE_DIR/journal, locks it against a second pejld,
 * replays every record through `fn`, and drops a torn tail. NULL with a
 * reason in `err` when the file cannot be used. */
struct journal *journal_open(const char *state_dir, journal_replay_fn fn, void *arg, char *err,
                             size_t errlen);
void journal_close(struct journal *journal);
/* In a child process pejld forked (a graph or report drawer): closes the
 * child's copy of the journal's descriptor, so the lock stays pejld's alone
 * and a kill -9 of pejld frees it at once, however long the child takes to
 * die. The child must not stage or commit after this. */
void journal_leave(struct journal *journal);
/* Replays STATE_DIR/journal read-only, without the lock: for readers beside
 * a running pejld. A torn tail is left alone (and not read). */
int journal_read(const char *state_dir, journal_replay_fn fn, void *arg, char *err, size_t errlen);

/* Adds a record to the next commit. Returns 0, or -1 when out of memory. */
int journal_stage(struct journal *journal, const struct journal_record *record);
size_t journal_staged(const struct journal *journal);
/* Writes and syncs everything staged. On failure nothing staged counts:
 * the file is cut back to where it was, and -1 is returned with `err`. */
int journal_commit(struct journal *journal, char *err, size_t errlen);
/* Calls fn for every record of the last commit that succeeded, in the
 * order staged, read back from the file: so that a caller applies what was
 * written (exactly what a replay would give) without keeping its own copy
 * of a large commit. -1 with `err` when the bytes cannot be read or are not
 * the records written; fn's -1 stops it too. */
int journal_each_committed(const struct journal *journal, journal_replay_fn fn, void *arg,
                           char *err, size_t errlen);
/* A point in the staged records to roll back to. */
struct journal_mark {
    size_t len, count;
};
struct journal_mark journal_mark(const struct journal *journal);
void journal_rollback(struct journal *journal, struct journal_mark mark);
/* Forgets staged records (their commit will not happen). */
void journal_discard(struct journal *journal);

const char *journal_path(const struct journal *journal);
uint64_t journal_records(const struct journal *journal);
/* The bytes known good and durable. */
uint64_t journal_bytes(const struct journal *journal);
/* 0 when the next commit can be written as far as can be told without
 * writing: the last one did not fail, the file system is writable and has
 * room. -1 with the reason in `why` otherwise. */
int journal_health(const struct journal *journal, char *why, size_t whylen);

#endif
