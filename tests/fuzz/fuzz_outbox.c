/*
 * fuzz_outbox.c — the outbox loader (outbox_open in daemon/notify/outbox.c) on
 * arbitrary bytes as one queued notification, STATE/outbox/ID.json, where
 * ID is the document's own "id" when that is a plain file name stem (so
 * real entries load) and a fixed one otherwise. Besides the sanitizers'
 * checks it aborts when the loader breaks a promise of outbox.h: start-up
 * never fails on a damaged entry, it loads the entry or leaves it where it
 * is (byte for byte), and nothing else appears in or vanishes from the
 * outbox directory. Links pejlcore, which a fuzz build instruments.
 */
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            abort();                                                                               \
    } while (0)

/* The document's "id" when it is a safe file name stem, else a fixed one. */
static void entry_name(const uint8_t *data, size_t size, char *name, size_t namesize)
{
    snprintf(name, namesize, "1700000000-000000-1.json");
    json_t *doc = json_loadb((const char *)data, size, 0, NULL);
    const char *id = json_string_value(json_object_get(doc, "id"));
    if (id && id[0] && id[0] != '.' && strlen(id) < 48 &&
        strspn(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_") ==
            strlen(id))
        snprintf(name, namesize, "%s.json", id);
    json_decref(doc);
}

static size_t files_in(const char *dir)
{
    DIR *d = opendir(dir);
    CHECK(d);
    size_t n = 0;
    for (struct dirent *de; (de = readdir(d));)
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

static char state[64], outbox[96]; /* made at the first input, removed at exit */

static void remove_dirs(void)
{
    rmdir(outbox);
    rmdir(state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[192], name[64], err[1024] = "";
    if (!state[0]) {
        snprintf(state, sizeof state, "%s/pejl-fuzz-outbox.XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        CHECK(mkdtemp(state));
        snprintf(outbox, sizeof outbox, "%s/outbox", state);
        atexit(remove_dirs);
    }
    mkdir(outbox, 0700);
    entry_name(data, size, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", outbox, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, data, size) == (ssize_t)size);
    close(fd);

    static int quiet = -1; /* damaged entries are logged, and expected here */
    if (quiet < 0)
        CHECK((quiet = open("/dev/null", O_WRONLY)) >= 0);
    fflush(stderr);
    int saved = dup(2);
    CHECK(saved >= 0 && dup2(quiet, 2) == 2);
    struct outbox *ob = outbox_open(state, NULL, NULL, err, sizeof err);
    CHECK(dup2(saved, 2) == 2);
    close(saved);
    CHECK(ob);
    CHECK(outbox_size(ob) <= 1);
    outbox_free(ob);
    CHECK(files_in(outbox) == 1);
    struct stat st;
    CHECK(stat(path, &st) == 0 && (size_t)st.st_size == size);
    unlink(path);
    return 0;
}
