// SPDX-License-Identifier: GPL-2.0
//
// request.h - one dm-io request: its completion counter, its error bitset
// and its unsupported bitset (regions whose device lacks the op).
//
// A request lives in a DMIO_REQUEST_BYTES object from the C side's mempool,
// or, when it is exactly one bio, in that bio's front pad (a "solo"
// request: no pool object, no submitter reference, and no atomic counting:
// its bio's completion is its end).  A pooled request starts
// with one reference held by the submitter; every bio takes one more before
// it is submitted.  Whoever drops the last reference reads the bitsets and
// hands them to dmio_request_end(), which gives the memory back (to the
// pool, or by releasing the solo bio) and only then calls the notify
// function, so the callback may free its context and the buffer: nothing of
// the request is touched once it is called.  The
// callback runs wherever the last bio completes (hard or soft interrupt,
// or inside the submitting call), so it must not sleep (dm-io.h).
//
// A region has at most one of the two bits: one whose bios ended with an
// error and with "not supported" (a region split into several bios) is
// reported failed.  The last reference clears such bits from the
// unsupported set, so no bio pays for it.
#pragma once

#include "dm-io-boundary.h"
#include "kcxx.h"

namespace dmio {

class Request {
public:
	// A pooled request, with the submitter's reference.
	Request(const dmio_job &job, const void *vm_read_addr,
		unsigned long long vm_read_bytes)
		: Request(job, vm_read_addr, vm_read_bytes, nullptr)
	{
	}

	// A solo request living in @bio's front pad: its one reference is
	// the bio's.
	Request(const dmio_job &job, const void *vm_read_addr,
		unsigned long long vm_read_bytes, void *bio)
		: error_bits_(0), unsup_bits_(0), pending_(1),
		  notify_(job.notify), ext_notify_(job.ext_notify),
		  context_(job.context), vm_read_addr_(vm_read_addr),
		  vm_read_bytes_(vm_read_bytes), solo_bio_(bio), user_(job.user)
	{
	}

	// Takes a reference for a bio about to be submitted.  The submitter
	// still holds its own, so the count cannot reach zero meanwhile.
	void add_bio()
	{
		pending_.add_relaxed(1);
	}

	// Marks @region failed without a bio (it could not be issued).
	void fail_region(unsigned int region)
	{
		fail_regions(1UL << region);
	}

	// Marks the regions in @bits failed without a bio.
	void fail_regions(unsigned long bits)
	{
		error_bits_.or_relaxed(bits);
	}

	// Marks @region's op unsupported by its device.
	void unsupported_region(unsigned int region)
	{
		unsup_bits_.or_relaxed(1UL << region);
	}

	// A bio of @region completed with @status (enum dmio_bio_status).
	// Inlined into dmio_engine_bio_done(), the one way in from C (and
	// the engine's): defined in request.cpp only.
	void bio_done(unsigned int region, int status);

	// The submitter issued every bio and drops its reference.
	void submitted();

private:
	void put();

	kcxx::atomic<unsigned long> error_bits_;
	kcxx::atomic<unsigned long> unsup_bits_;
	kcxx::atomic<unsigned int> pending_;
	dmio_notify_fn notify_; // classic async calls: gets error | unsup
	dmio_ext_notify_fn ext_notify_; // if set: dm_io_submit(), sync calls
	void *context_;
	const void *vm_read_addr_; // invalidate after a vm READ
	unsigned long long vm_read_bytes_;
	void *solo_bio_; // the bio this request lives in, if solo
	void *user_; // the user (its reserve and statistics), if any
};

static_assert(sizeof(Request) <= DMIO_REQUEST_BYTES,
	      "DMIO_REQUEST_BYTES too small for dmio::Request");
static_assert(alignof(Request) <= DMIO_REQUEST_ALIGN,
	      "DMIO_REQUEST_ALIGN too small for dmio::Request");
static_assert(__has_trivial_destructor(Request),
	      "requests are freed without running a destructor");
static_assert(sizeof(unsigned long) * 8 == DMIO_MAX_REGIONS,
	      "one error bit per region");

} // namespace dmio
