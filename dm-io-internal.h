/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dm-io internals exported for the project's own tests only, in the symbol
 * namespace DM_IO_INTERNAL (a test module says
 * MODULE_IMPORT_NS(DMIO_NS_INTERNAL), dm-io-compat.h).
 * Not part of the API: targets use dm-io.h.
 */
#ifndef DMIO_DM_IO_INTERNAL_H
#define DMIO_DM_IO_INTERNAL_H

#include <linux/types.h>

/* Size of the request reserve (mempool min_nr) right now. */
unsigned int dmio_reserve_requests(void);
/* Pages reserved by all outstanding dm_io_get() calls. */
unsigned int dmio_reserved_pages(void);
/*
 * The counters below count only while enabled (calls nest): a test turns
 * them on for as long as it reads them (a KUnit suite in its suite_init,
 * the stress module in its init, the benchmark for its warm-up runs).
 */
void dmio_counters_enable(void);
void dmio_counters_disable(void);
/* Bios submitted by dm-io while counting. */
u64 dmio_bios_submitted(void);
/* Requests (sync or async calls that passed validation) while counting. */
u64 dmio_requests_started(void);
/* Requests that have completed (callback called or sync caller woken). */
u64 dmio_requests_completed(void);
/*
 * Sets dmio_page_stride (dm-io-boundary.h) and returns the old value: 0
 * makes dm-io merge no pages and split bio_vec entries that span pages,
 * as where the memory map is not linear.  No I/O may be in flight.
 */
unsigned long dmio_set_page_stride(unsigned long stride);

#endif /* DMIO_DM_IO_INTERNAL_H */
