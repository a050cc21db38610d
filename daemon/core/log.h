/*
 * log.h — pejld's logging: stderr with timestamps, journald's native
 * protocol (sd_journal_send) when systemd reads stderr (JOURNAL_STREAM), or
 * syslog once daemonized.
 *
 * In the journal a message carries fields ops can query
 * (`journalctl INDICATOR=ls_exports`, `journalctl PEJL_EVENT=alert`):
 * INDICATOR= for every message that begins with an indicator's id, and
 * ALERT=, FINGERPRINT=, RECEIVER=, PEJL_EVENT= where log_with names them.
 *
 * Messages carry their context: the indicator id first ("ls_exports: …"),
 * then what went wrong and, where possible, what to do about it.
 */
#ifndef PEJL_LOG_H
#define PEJL_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* The same values as the collector ABI's enum pejl_log_level, which
 * settings/plugin.c hands on to log_vmessage. */
enum log_level { LOG_LEVEL_ERROR = 0, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

enum log_sink { LOG_TO_STDERR, LOG_TO_JOURNAL, LOG_TO_SYSLOG };

void log_init(enum log_level level, enum log_sink sink);
/* Chooses the journal prefixes when systemd's JOURNAL_STREAM matches stderr. */
enum log_sink log_detect_sink(void);
void log_set_level(enum log_level level);
enum log_level log_level(void);
int log_level_from_name(const char *name); /* -1 when unknown */

void log_message(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmessage(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* The journal fields of one message; NULL ones are left out. */
struct log_fields {
    const char *indicator;   /* INDICATOR= */
    const char *alert;       /* ALERT=: "indicator/rule" */
    const char *fingerprint; /* FINGERPRINT= */
    const char *receiver;    /* RECEIVER= */
    const char *event;       /* PEJL_EVENT=: collected, collection_failed, alert, delivered, ... */
};
void log_with(enum log_level level, const struct log_fields *fields, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Tells which words at the start of a message ("ls_exports: …") are
 * indicator ids, for INDICATOR=; NULL forgets. */
void log_set_indicator_test(bool (*is_indicator)(void *arg, const char *id), void *arg);

#define log_err(...) log_message(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_message(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_message(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_message(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* The message, then ": " and strerror(errno) of the errno at the call, which
 * it leaves as it was: "control: accept" logs "control: accept: Too many open
 * files". OpenBSD names this log_warn and the plain one log_warnx; pejl's
 * log_warn has always been the plain one, so the errno variants carry the
 * suffix instead of changing what log_warn means under its callers. */
void log_message_errno(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define log_err_errno(...) log_message_errno(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn_errno(...) log_message_errno(LOG_LEVEL_WARNING, __VA_ARGS__)

/* Logs and exits with status 1; for start-up failures only. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
