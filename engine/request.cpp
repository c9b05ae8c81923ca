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
	dmio_notify_fn notify = notify_;
	dmio_ext_notify_fn ext_notify = ext_notify_;
	void *context = context_;
	void *user = user_;

	if (user)
		dmio_user_end(user, this, error_bits, unsup_bits);
	else if (hooks_)
		dmio_request_end(this, error_bits, unsup_bits);
	if (vm_read_bytes_)
		dmio_vm_invalidate(vm_read_addr_, vm_read_bytes_);
	if (solo_bio_)
		dmio_solo_release(solo_bio_); // this object goes with it
	else
		dmio_request_free(user, this);
	if (ext_notify)
		ext_notify(error_bits, unsup_bits, context);
	else
		notify(error_bits | unsup_bits, context); // one error set
	// Last: the user's reserve may go once its requests are all done.
	if (user)
		dmio_user_leave(user);
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
