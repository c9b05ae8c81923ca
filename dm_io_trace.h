/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to dm-io.ko (the events are its interface, the header is not).
 *
 * Tracepoints of dm-io: events dm_io:dm_io_submit and dm_io:dm_io_complete,
 * one each per request (classic and extended calls) that passed the checks.
 * @id identifies the request from its submit to its completion; it may be
 * reused afterwards.  Defined (CREATE_TRACE_POINTS) in dm-io-stats.c and
 * exported for modules to probe (register_trace_dm_io_submit()).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dm_io

#if !defined(DMIO_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define DMIO_TRACE_H

#include <linux/blk_types.h>
#include <linux/tracepoint.h>

/* The kernel's layout of trace events, not clang-format's. */
/* clang-format off */
TRACE_EVENT(dm_io_submit,
	    TP_PROTO(const void *id, unsigned int num_regions, blk_opf_t opf,
		     unsigned short ioprio, u64 bytes),
	    TP_ARGS(id, num_regions, opf, ioprio, bytes),
	    TP_STRUCT__entry(__field(const void *, id)
			     __field(unsigned int, num_regions)
			     __field(u32, opf)
			     __field(unsigned short, ioprio)
			     __field(u64, bytes)),
	    TP_fast_assign(__entry->id = id;
			   __entry->num_regions = num_regions;
			   __entry->opf = (__force u32)opf;
			   __entry->ioprio = ioprio;
			   __entry->bytes = bytes;),
	    TP_printk("id=%p regions=%u opf=0x%x ioprio=0x%x bytes=%llu",
		      __entry->id, __entry->num_regions, __entry->opf,
		      __entry->ioprio, __entry->bytes)
);

TRACE_EVENT(dm_io_complete,
	    TP_PROTO(const void *id, unsigned long error_bits,
		     unsigned long unsup_bits),
	    TP_ARGS(id, error_bits, unsup_bits),
	    TP_STRUCT__entry(__field(const void *, id)
			     __field(unsigned long, error_bits)
			     __field(unsigned long, unsup_bits)),
	    TP_fast_assign(__entry->id = id;
			   __entry->error_bits = error_bits;
			   __entry->unsup_bits = unsup_bits;),
	    TP_printk("id=%p error_bits=0x%lx unsup_bits=0x%lx", __entry->id,
		      __entry->error_bits, __entry->unsup_bits)
);
/* clang-format on */

#endif /* DMIO_TRACE_H */

/* An out-of-tree module: the header is found through -I$(src). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE dm_io_trace
#include <trace/define_trace.h>
