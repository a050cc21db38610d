/*
 * plugin.h — finds, loads and checks collector modules (collectors/collector.h).
 *
 * A collector name from the config becomes a file name only after it has
 * been checked against [a-z0-9_]+; modules load from one directory only.
 */
#ifndef PEJL_PLUGIN_H
#define PEJL_PLUGIN_H

#include <stddef.h>

#include "collector.h"
#include "indicator.h" /* struct collector_module */

struct plugins;

/* The services every collector gets. */
const struct pejl_host *plugin_host(void);

struct plugins *plugin_list_new(const char *dir);
/* Loads `name` once; NULL with a reason naming the file when it cannot. */
const struct collector_module *plugin_list_get(struct plugins *plugins, const char *name, char *err,
                                               size_t errlen);
void plugin_list_free(struct plugins *plugins);

/* The directory pejld looks in when the config names none:
 * <directory of the executable>/../lib/pejl/collectors. */
char *plugin_default_dir(void);

#endif
