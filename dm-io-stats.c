// SPDX-License-Identifier: GPL-2.0
/*
 * Users of dm-io, their statistics (debugfs), and the tracepoints of dm-io.
 *
 * A user is a handle from dm_io_user_create(): a reserve of its own (a
 * request mempool and a bioset, dm-io-mempool.c) that every request naming
 * it draws from, and per-CPU counters, which also tell its requests in
 * flight (started minus completed).  Requests of the extended API that name
 * it are counted when they start, by dmio_request_start() once the engine
 * has accepted them and before their first bio, and when they complete, by
 * dmio_request_end() (both in dm-io.c), whose whole work, the notify
 * function included, is one RCU read-side section for a user's request.
 * The classic calls account to no user: their hot path only tests the
 * tracepoints' static keys.
 * dm_io_stats_create() and friends are the same calls by their earlier
 * names.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <asm/local64.h>

#include "dm-io.h"
#include "dm-io-boundary.h"
#include "dm-io-glue.h"

#define CREATE_TRACE_POINTS
#include "dm_io_trace.h"

EXPORT_TRACEPOINT_SYMBOL_GPL(dm_io_submit);
EXPORT_TRACEPOINT_SYMBOL_GPL(dm_io_complete);

static struct dentry *dmio_debugfs_root;

void dm_io_user_stats(struct dm_io_user *user,
		      struct dm_io_stats_values *values)
{
	u64 completed = 0;
	int cpu;

	memset(values, 0, sizeof(*values));
	for_each_possible_cpu(cpu) {
		const struct dmio_user_pcpu *c = per_cpu_ptr(user->pcpu, cpu);

		values->requests += local64_read(&c->requests);
		values->bytes += local64_read(&c->bytes);
		values->errors += local64_read(&c->errors);
		values->unsupported += local64_read(&c->unsupported);
		completed += local64_read(&c->completed);
	}
	/* unlocked sums: a completion may be seen before its start */
	values->in_flight =
		values->requests > completed ? values->requests - completed : 0;
	values->reserve_pages = user->reserve_pages;
}
EXPORT_SYMBOL_GPL(dm_io_user_stats);

/*
 * One read-only debugfs file per field of struct dm_io_stats_values, with
 * ->read_iter (not the proxied ->read of DEFINE_DEBUGFS_ATTRIBUTE), so
 * kernel_read() works on it too; debugfs_file_get() keeps the handle alive
 * while it is read.
 */
static ssize_t dmio_stats_read(struct kiocb *iocb, struct iov_iter *to,
			       size_t offset)
{
	struct dentry *dentry = iocb->ki_filp->f_path.dentry;
	struct dm_io_stats_values v;
	char buf[24];
	size_t len, n;
	int r;

	r = debugfs_file_get(dentry);
	if (r)
		return r;
	dm_io_user_stats(file_inode(iocb->ki_filp)->i_private, &v);
	debugfs_file_put(dentry);

	if (offset == offsetof(struct dm_io_stats_values, reserve_pages))
		len = scnprintf(buf, sizeof(buf), "%u\n", v.reserve_pages);
	else
		len = scnprintf(buf, sizeof(buf), "%llu\n",
				*(u64 *)((char *)&v + offset));
	if (iocb->ki_pos >= len)
		return 0;
	n = copy_to_iter(buf + iocb->ki_pos, len - iocb->ki_pos, to);
	iocb->ki_pos += n;
	return n;
}

#define DMIO_STATS_FILE(field)                                             \
	static ssize_t dmio_stats_read_##field(struct kiocb *iocb,         \
					       struct iov_iter *to)        \
	{                                                                  \
		return dmio_stats_read(iocb, to,                           \
				       offsetof(struct dm_io_stats_values, \
						field));                   \
	}                                                                  \
	static const struct file_operations dmio_stats_fops_##field = {    \
		.owner = THIS_MODULE,                                      \
		.open = simple_open,                                       \
		.read_iter = dmio_stats_read_##field,                      \
		.llseek = default_llseek,                                  \
	}

DMIO_STATS_FILE(requests);
DMIO_STATS_FILE(bytes);
DMIO_STATS_FILE(errors);
DMIO_STATS_FILE(unsupported);
DMIO_STATS_FILE(in_flight);
DMIO_STATS_FILE(reserve_pages);

static const struct {
	const char *name;
	const struct file_operations *fops;
} dmio_stats_files[] = {
	{ "requests", &dmio_stats_fops_requests },
	{ "bytes", &dmio_stats_fops_bytes },
	{ "errors", &dmio_stats_fops_errors },
	{ "unsupported", &dmio_stats_fops_unsupported },
	{ "in_flight", &dmio_stats_fops_in_flight },
	{ "reserve_pages", &dmio_stats_fops_reserve_pages },
};

static void dmio_stats_debugfs(struct dm_io_user *user)
{
	struct dentry *dir;
	unsigned int i;

	if (IS_ERR_OR_NULL(dmio_debugfs_root))
		return;
	dir = debugfs_create_dir(user->name, dmio_debugfs_root);
	if (IS_ERR(dir)) {
		pr_warn("dm-io: no debugfs statistics for user %s: %ld\n",
			user->name, PTR_ERR(dir));
		return;
	}
	for (i = 0; i < ARRAY_SIZE(dmio_stats_files); i++)
		debugfs_create_file_unsafe(dmio_stats_files[i].name, 0444, dir,
					   user, dmio_stats_files[i].fops);
	user->dir = dir;
}

struct dm_io_user *dm_io_user_create(const char *name,
				     unsigned int reserve_pages)
{
	struct dm_io_user *user;
	size_t len;
	int r;

	might_sleep();
	len = name ? strnlen(name, DMIO_USER_NAME_MAX) : 0;
	if (!len || len == DMIO_USER_NAME_MAX || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, "..")) {
		pr_warn_ratelimited("dm-io: invalid user name\n");
		return ERR_PTR(-EINVAL);
	}

	user = kzalloc(sizeof(*user), GFP_KERNEL);
	if (!user)
		return ERR_PTR(-ENOMEM);
	user->pcpu = alloc_percpu(struct dmio_user_pcpu);
	if (!user->pcpu) {
		r = -ENOMEM;
		goto bad_pcpu;
	}
	r = dmio_reserve_init(&user->reserve, reserve_pages);
	if (r)
		goto bad_reserve;
	user->reserve_pages = reserve_pages;
	strscpy(user->name, name, sizeof(user->name));
	dmio_stats_debugfs(user);
	return user;

bad_reserve:
	free_percpu(user->pcpu);
bad_pcpu:
	kfree(user);
	pr_warn_ratelimited("dm-io: cannot create user %s with %u pages: %d\n",
			    name, reserve_pages, r);
	return ERR_PTR(r);
}
EXPORT_SYMBOL_GPL(dm_io_user_create);

/*
 * No dm_io_submit() naming @user runs now (the caller's part), so the
 * requests counted started are all the user will have: wait until they are
 * all counted completed (rare and short: a poll), then for a grace period,
 * which ends the completions' RCU sections (each counted inside its own,
 * before the request's memory went back to the reserve and its notify
 * function ran).
 */
void dm_io_user_destroy(struct dm_io_user *user)
{
	struct dm_io_stats_values v;

	if (!user)
		return;
	might_sleep();
	debugfs_remove_recursive(user->dir);
	/* New requests are refused; the ones in flight end first. */
	WRITE_ONCE(user->dying, true);
	for (;;) {
		dm_io_user_stats(user, &v);
		if (!v.in_flight)
			break;
		fsleep(1000);
	}
	synchronize_rcu();
	dmio_reserve_exit(&user->reserve);
	free_percpu(user->pcpu);
	kfree(user);
}
EXPORT_SYMBOL_GPL(dm_io_user_destroy);

/*
 * The earlier names: a struct dm_io_stats is a struct dm_io_user (the type
 * is never defined, only converted).
 */
struct dm_io_stats *dm_io_stats_create(const char *name,
				       unsigned int reserve_pages)
{
	return (struct dm_io_stats *)dm_io_user_create(name, reserve_pages);
}
EXPORT_SYMBOL_GPL(dm_io_stats_create);

void dm_io_stats_destroy(struct dm_io_stats *stats)
{
	dm_io_user_destroy((struct dm_io_user *)stats);
}
EXPORT_SYMBOL_GPL(dm_io_stats_destroy);

void dm_io_stats_read(struct dm_io_stats *stats,
		      struct dm_io_stats_values *values)
{
	dm_io_user_stats((struct dm_io_user *)stats, values);
}
EXPORT_SYMBOL_GPL(dm_io_stats_read);

void dmio_stats_init(void)
{
	/* debugfs is optional: without it the handles still count */
	dmio_debugfs_root = debugfs_create_dir("dm-io", NULL);
}

void dmio_stats_exit(void)
{
	debugfs_remove_recursive(dmio_debugfs_root);
}
