/*
 * config_listen.c — listen = "127.0.0.1:9817"; the address of pejld's
 * read-only HTTP endpoint (see config.h). Numeric addresses only: an IPv4
 * address or an IPv6 one in brackets, and a port. A host name would need a
 * resolver at start-up and could mean another interface tomorrow.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "config_loader.h"

/* 1..65535 written in digits only; -1 otherwise. */
static int port_number(const char *text)
{
    char *end;
    if (!*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 5)
        return -1;
    long port = strtol(text, &end, 10);
    return port >= 1 && port <= 65535 ? (int)port : -1;
}

int config_listen_parse(const char *text, struct sockaddr_storage *addr, socklen_t *len)
{
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon = strrchr(text, ':');
    size_t host_len = colon ? (size_t)(colon - text) : 0;
    int port = colon ? port_number(colon + 1) : -1;
    if (port < 0 || host_len == 0 || host_len >= sizeof host)
        return -1;
    memcpy(host, text, host_len);
    host[host_len] = '\0';
    memset(addr, 0, sizeof *addr);
    if (host[0] == '[' && host[host_len - 1] == ']') {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
        host[host_len - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) != 1)
            return -1;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *len = sizeof *in6;
        return 0;
    }
    struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
    if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
        return -1;
    in4->sin_family = AF_INET;
    in4->sin_port = htons((uint16_t)port);
    *len = sizeof *in4;
    return 0;
}

void config_load_listen(struct loader *l, const config_setting_t *root)
{
    const char *text = config_get_string(l, root, "listen", false, "settings");
    struct config *c = l->config;
    if (!text)
        return;
    if (config_listen_parse(text, &c->listen_addr, &c->listen_addr_len) < 0) {
        diag_config_error(l->diag, config_setting_get_member(root, "listen"),
                          "listen \"%s\" is not an address and port; write an IP address and a "
                          "port from 1 to 65535: \"127.0.0.1:9817\", \"[::1]:9817\" (no host "
                          "names)",
                          text);
        return;
    }
    c->listen = strdup(text);
}
