/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to dm-io.ko, not part of the API: C-only declarations shared
 * by dm-io.c, dm-io-mempool.c and dm-io-stats.c.
 */
#ifndef DMIO_GLUE_H
#define DMIO_GLUE_H

#include <linux/bio.h>
#include <linux/completion.h>
#include <linux/jump_label.h>
#include <linux/mempool.h>
#include <linux/percpu.h>
#include <asm/local64.h>

#include "dm-io-boundary.h"

/*
 * Every bio of dm-io carries its request and region in the bioset's front
 * pad.  A request of exactly one bio ("solo") lives in the pad itself.
 */
struct dmio_bio {
	void *request;
	u32 region;
	bool solo; /* @request is @solo_request */
	u64 solo_request[DMIO_REQUEST_BYTES / sizeof(u64)];
	struct bio bio; /* must be last */
};

struct dmio_counters {
	u64 requests_started;
	u64 requests_completed;
	u64 bios;
};

DECLARE_PER_CPU(struct dmio_counters, dmio_counters);
DECLARE_STATIC_KEY_FALSE(dmio_counting);

/*
 * The counters of dm-io-internal.h, kept only while a test turns them on
 * (dmio_counters_enable()): three per request are not free everywhere (on
 * an architecture without per-CPU instructions, UML for one, each
 * this_cpu_inc() saves and restores interrupts).
 */
#define dmio_count(field)                                   \
	do {                                                \
		if (static_branch_unlikely(&dmio_counting)) \
			this_cpu_inc(dmio_counters.field);  \
	} while (0)

/* Where a request's memory comes from: request objects and bios. */
struct dmio_reserve {
	mempool_t requests;
	struct bio_set bios;
};

#define DMIO_USER_NAME_MAX 32

/*
 * local64_t, not this_cpu ops: an event (a request's start, its end) is one
 * section with preemption off and an interrupt-safe add per field, where an
 * architecture without per-CPU instructions (UML for one) would save and
 * restore interrupts for each this_cpu op.
 */
struct dmio_user_pcpu {
	local64_t requests;
	local64_t bytes;
	local64_t completed;
	local64_t errors;
	local64_t unsupported;
};

/*
 * A user of dm-io (dm_io_user_create()): its own reserve, its statistics.
 * The statistics count the requests in flight too (started minus
 * completed); dm_io_user_destroy() sets @dying and waits for them.
 */
struct dm_io_user {
	struct dmio_reserve reserve;
	struct dmio_user_pcpu __percpu *pcpu;
	bool dying;
	unsigned int reserve_pages;
	struct dentry *dir;
	char name[DMIO_USER_NAME_MAX];
};

/* The reserve of the classic calls and of requests that name no user. */
extern struct dmio_reserve dmio_shared;

/* The reserve of @user (a struct dm_io_user), or the shared one. */
static __always_inline struct dmio_reserve *dmio_reserve_of(void *user)
{
	return user ? &((struct dm_io_user *)user)->reserve : &dmio_shared;
}

int dmio_pools_init(void);
void dmio_pools_exit(void);
int dmio_reserve_init(struct dmio_reserve *r, unsigned int pages);
void dmio_reserve_exit(struct dmio_reserve *r);
void dmio_endio(struct bio *bio);
void dmio_stats_init(void);
void dmio_stats_exit(void);

#endif /* DMIO_GLUE_H */
