// SPDX-License-Identifier: GPL-2.0
//
// request.cpp - completion of a dm-io request (see request.h).

#include "request.h"

namespace dmio {

void Request::put()
{
	if (pending_.sub_acq_rel(1))
		return;

	// Last reference: every bio is done and every error bit is visible
	// (each bio_done() ORs its bit before its release decrement).
	unsigned long error_bits = error_bits_.load_acquire();
	dmio_notify_fn notify = notify_;
	void *context = context_;

	if (vm_read_bytes_)
		dmio_vm_invalidate(vm_read_addr_, vm_read_bytes_);
	if (solo_bio_)
		dmio_solo_release(solo_bio_); // this object goes with it
	else
		dmio_request_free(this);
	notify(error_bits, context);
}

} // namespace dmio

extern "C" void dmio_engine_bio_done(void *request, unsigned int region,
				     int failed)
{
	static_cast<dmio::Request *>(request)->bio_done(region, failed);
}
