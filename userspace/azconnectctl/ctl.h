/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * azconnectctl's commands and what they share: the program name for
 * messages, error reports, the options of "up" and the run-state files.
 */

#ifndef AZC_CTL_H
#define AZC_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "client.h"
#include "ctl_cfg.h"
#include "eplink.h"
#include "splitdns.h"
#include "keyd.h"

struct azc_nl;

#define CTL_RUN_DIR	"/run/azconnect"

extern const char *ctl_prog;
extern bool ctl_json;		/* --json */

/* A failed request, in terms an administrator can act on. */
void ctl_report(const char *what, int err, const struct azc_nl *nl);
/* The azconnect family, with a message when the module is missing. */
int ctl_open_family(struct azc_nl *nl);

/* cmd_dev.c */
int cmd_show(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_del(int argc, char **argv);
int cmd_set(int argc, char **argv);

/* cmd_up.c */
struct up_opts {
	struct azc_client_cfg cfg;
	const char *config;
	const char *run_dir;
	int lock_fd;			/* ctl_state_lock(), for the session's life */
	bool foreground, verbose;
	/* The kernel data path: the device, the link, the last end */
	bool kernel;
	struct azc_client_opts co;
	uint32_t ifindex;
	struct azc_eplink link;
	char last_down[AZC_CLIENT_ERR_LEN];
	/* The session being served, for state files written from callbacks */
	const struct azc_client *cur;
	pid_t pid;
	/* The endpoint's key pair: its file, its public key (issue 11) */
	char key_path[AZC_CFG_PATH_MAX + 300];
	uint8_t pub[32];
	uint8_t priv[32];		/* until the keying has it; then wiped */
	bool has_key;
	/* End-to-end ESP keying for the session's life (kernel path only) */
	struct azc_keyd esp;
	/* Split DNS for the session's life (kernel data path only) */
	enum azc_dns_mode dns_want;
	struct azc_sdns dns;
};

int cmd_up(int argc, char **argv);

/* cmd_relay.c: the relay operator's commands */
int cmd_relay(int argc, char **argv);

/* runstate.c */
/* An endpoint name usable as a file name and in messages. */
bool ctl_name_ok(const char *name);
/*
 * The lock that a session's process holds for its life, which tells a
 * live session from a stale state file: its fd, -EBUSY when held.
 */
int ctl_state_lock(const char *dir, const char *name);
/* The session's state and lock files go. */
void ctl_state_remove(const char *dir, const char *name);
void ctl_state_path(const char *dir, const char *name, char *buf,
		    size_t size);
/* The session's "key=value" lines: @c's facts, or the last end. */
void ctl_state_print(FILE *f, const struct up_opts *o,
		     const struct azc_client *c, pid_t pid);
/* Written through a temporary file and rename; 0 or -errno, reported. */
int ctl_state_write(const struct up_opts *o, const struct azc_client *c,
		    pid_t pid);
/* The process id in a state file, 0 when unreadable, -errno. */
pid_t ctl_state_pid(const char *path);
int cmd_down(int argc, char **argv);
/* Whether endpoint @name's session is alive (its process holds the lock). */
bool ctl_state_live(const char *dir, const char *name);
/* "key=value" @key's value in the state file @path, into @buf: 0 or -1. */
int ctl_state_get(const char *path, const char *key, char *buf, size_t size);
/*
 * @fn for the NAME of each NAME.state in @dir (live or not), in directory
 * order, until it returns non-zero: that value, or 0.
 */
int ctl_state_each(const char *dir,
		   int (*fn)(const char *dir, const char *name, void *ctx),
		   void *ctx);

/* cmd_dns.c: "dns status" */
int cmd_dns(int argc, char **argv);
int cmd_status(int argc, char **argv);

#endif /* AZC_CTL_H */
