// SPDX-License-Identifier: GPL-2.0
//
// pool_policy.cpp - how big the request reserve is for the pages reserved
// with dm_io_get().
//
// Every in-flight request holds one request object until it completes, so
// the reserve bounds how many requests can be in flight without waiting for
// memory.  A page of in-flight data may be split into several small
// requests (a 512-byte log header write, say): the classic dm-io reserved
// four requests per page, and so does this.  A base reserve is always kept,
// so that I/O progresses for callers that never called dm_io_get().  Bios
// come from a fixed bioset reserve: each bio is submitted before the next
// one is allocated, so a small reserve is enough for progress.

#include "dm-io-boundary.h"

namespace dmio {

constexpr unsigned int kBaseRequests = 16;
constexpr unsigned int kRequestsPerPage = 4;
constexpr unsigned int kMaxRequests = 1u << 20; // 64 MiB of request objects
constexpr unsigned long long kMaxPages =
	(kMaxRequests - kBaseRequests) / kRequestsPerPage;

constexpr unsigned int requests_for(unsigned long long pages)
{
	return kBaseRequests +
	       static_cast<unsigned int>(pages) * kRequestsPerPage;
}

static_assert(requests_for(0) == kBaseRequests, "base reserve");
static_assert(requests_for(kMaxPages) <= kMaxRequests, "no overflow");

// A user's own bioset: bios are submitted one by one and the bioset has a
// rescuer, so a few suffice for progress; a user that reserves much gets a
// few more, one per 16 pages.
constexpr unsigned int kBaseBios = 16;
constexpr unsigned int kPagesPerBio = 16;

constexpr unsigned int bios_for(unsigned long long pages)
{
	return kBaseBios + static_cast<unsigned int>(pages / kPagesPerBio);
}

static_assert(bios_for(kMaxPages) <= kMaxRequests, "no overflow");

} // namespace dmio

extern "C" int dmio_policy_user(unsigned long long pages,
				unsigned int *requests, unsigned int *bios)
{
	if (pages > dmio::kMaxPages)
		return -DMIO_ENOMEM;
	*requests = dmio::requests_for(pages);
	*bios = dmio::bios_for(pages);
	return 0;
}

extern "C" int dmio_policy_reserve(unsigned long long pages,
				   unsigned int *requests)
{
	if (pages > dmio::kMaxPages)
		return -DMIO_ENOMEM;
	*requests = dmio::requests_for(pages);
	return 0;
}
