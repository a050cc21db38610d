/*
 * log.c — logging (see log.h). The only state is the level and the sink,
 * set once at start-up and on reload.
 */
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

static enum log_level current_level = LOG_LEVEL_INFO;
static enum log_sink current_sink = LOG_TO_STDERR;
/* Whether journald's native socket is there: sd_journal_send drops a
 * message silently when it is not, so without it the stream's <N> lines. */
static bool journal_native;

static bool (*indicator_test)(void *arg, const char *id);
static void *indicator_test_arg;

static const char *const level_names[] = {"error", "warning", "info", "debug"};
static const int syslog_priority[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};

void log_init(enum log_level level, enum log_sink sink)
{
    current_level = level;
    current_sink = sink;
    journal_native = sink == LOG_TO_JOURNAL && access("/run/systemd/journal/socket", W_OK) == 0;
    if (sink == LOG_TO_SYSLOG)
        openlog("pejld", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

enum log_sink log_detect_sink(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    struct stat st;
    unsigned long long dev, ino;
    if (!stream || sscanf(stream, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) < 0)
        return LOG_TO_STDERR;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino
               ? LOG_TO_JOURNAL
               : LOG_TO_STDERR;
}

void log_set_level(enum log_level level)
{
    current_level = level;
}

enum log_level log_level(void)
{
    return current_level;
}

int log_level_from_name(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i;
    return -1;
}

void log_set_indicator_test(bool (*is_indicator)(void *arg, const char *id), void *arg)
{
    indicator_test = is_indicator;
    indicator_test_arg = arg;
}

/* The indicator id a message begins with ("ls_exports: …"), into `id`. */
static const char *leading_indicator(const char *line, char *id, size_t size)
{
    size_t n = 0;
    while (n + 1 < size && (islower((unsigned char)line[n]) || isdigit((unsigned char)line[n]) ||
                            line[n] == '_' || line[n] == '-'))
        n++;
    if (!indicator_test || n == 0 || line[n] != ':')
        return NULL;
    memcpy(id, line, n);
    id[n] = '\0';
    return indicator_test(indicator_test_arg, id) ? id : NULL;
}

/* One message in journald's native protocol; -1 when journald did not take it. */
static int send_to_journal(enum log_level level, const struct log_fields *f, const char *line)
{
    char id[80], message[2100], fields[5][200], priority[16];
    struct log_fields given = f ? *f : (struct log_fields){0};
    if (!given.indicator)
        given.indicator = leading_indicator(line, id, sizeof id);
    const char *names[] = {"INDICATOR", "ALERT", "FINGERPRINT", "RECEIVER", "PEJL_EVENT"};
    const char *values[] = {given.indicator, given.alert, given.fingerprint, given.receiver,
                            given.event};
    struct iovec iov[8];
    int n = 0;
    snprintf(message, sizeof message, "MESSAGE=%s", line);
    snprintf(priority, sizeof priority, "PRIORITY=%d", syslog_priority[level]);
    iov[n++] = (struct iovec){.iov_base = message, .iov_len = strlen(message)};
    iov[n++] = (struct iovec){.iov_base = priority, .iov_len = strlen(priority)};
    iov[n++] = (struct iovec){.iov_base = "SYSLOG_IDENTIFIER=pejld", .iov_len = 23};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!values[i] || !*values[i])
            continue;
        snprintf(fields[i], sizeof fields[i], "%s=%s", names[i], values[i]);
        iov[n++] = (struct iovec){.iov_base = fields[i], .iov_len = strlen(fields[i])};
    }
    return sd_journal_sendv(iov, n) >= 0 ? 0 : -1;
}

static void emit(enum log_level level, const struct log_fields *fields, const char *line)
{
    switch (current_sink) {
    case LOG_TO_SYSLOG:
        syslog(syslog_priority[level], "%s", line);
        return;
    case LOG_TO_JOURNAL:
        if (!journal_native || send_to_journal(level, fields, line) < 0) /* its stream */
            fprintf(stderr, "<%d>%s\n", syslog_priority[level], line);
        return;
    case LOG_TO_STDERR: {
        char stamp[32];
        struct timespec now;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &now);
        gmtime_r(&now.tv_sec, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        fprintf(stderr, "%s pejld[%d]: %s: %s\n", stamp, (int)getpid(), level_names[level], line);
        return;
    }
    }
}

void log_vmessage(enum log_level level, const char *fmt, va_list ap)
{
    if (level > current_level)
        return;
    char line[2048];
    vsnprintf(line, sizeof line, fmt, ap);
    emit(level, NULL, line);
}

void log_with(enum log_level level, const struct log_fields *fields, const char *fmt, ...)
{
    if (level > current_level)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    emit(level, fields, line);
}

void log_message(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmessage(level, fmt, ap);
    va_end(ap);
}

void log_message_errno(enum log_level level, const char *fmt, ...)
{
    int saved = errno;
    char message[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    log_message(level, "%s: %s", message, strerror(saved));
    errno = saved;
}

void log_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmessage(LOG_LEVEL_ERROR, fmt, ap);
    va_end(ap);
    exit(1);
}
