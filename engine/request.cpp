// SPDX-License-Identifier: GPL-2.0
//
// request.cpp - completion of a dm-io request (see request.h).

#include "request.h"

namespace dmio {

// put() and bio_done() are inlined into dmio_engine_bio_done(): a solo
// request's whole completion is one call from the bio's end_io.
[[gnu::always_inline]] inline void Request::put()
{
	// A solo request's one reference is its bio's: no count to drop.
	if (!solo_bio_ && pending_.sub_acq_rel(1))
		return;

	// Last reference: every bio is done and every error bit is visible
	// (each bio_done() ORs its bit before its release decrement).
	unsigned long error_bits = error_bits_.load_acquire();
	// An error wins: a region is never both failed and unsupported.
	unsigned long unsup_bits = unsup_bits_.load_acquire() & ~error_bits;
	if (vm_read_bytes_)
		dmio_vm_invalidate(vm_read_addr_, vm_read_bytes_);
	// Frees this object (with its bio, if solo), then calls the notify
	// function.
	dmio_request_end(user_, this, solo_bio_, error_bits, unsup_bits,
			 notify_, ext_notify_, context_);
}

[[gnu::always_inline]] inline void Request::bio_done(unsigned int region,
						     int status)
{
	if (status == DMIO_BIO_FAILED)
		fail_region(region);
	else if (status == DMIO_BIO_UNSUPPORTED)
		unsupported_region(region);
	put();
}

void Request::submitted()
{
	put();
}

} // namespace dmio

extern "C" void dmio_engine_bio_done(void *request, unsigned int region,
				     int status)
{
	static_cast<dmio::Request *>(request)->bio_done(region, status);
}
