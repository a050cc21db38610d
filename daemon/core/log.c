/*
 * log.c — logging (see log.h). The only state is the level and the sink,
 * set once at start-up and on reload.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static enum log_level current_level = LOG_LEVEL_INFO;
static enum log_sink current_sink = LOG_TO_STDERR;

static const char *const level_names[] = {"error", "warning", "info", "debug"};
static const int syslog_priority[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};

void log_init(enum log_level level, enum log_sink sink)
{
    current_level = level;
    current_sink = sink;
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

void log_vmessage(enum log_level level, const char *fmt, va_list ap)
{
    if (level > current_level)
        return;
    char line[2048];
    vsnprintf(line, sizeof line, fmt, ap);
    switch (current_sink) {
    case LOG_TO_SYSLOG:
        syslog(syslog_priority[level], "%s", line);
        return;
    case LOG_TO_JOURNAL:
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
