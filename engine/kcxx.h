// SPDX-License-Identifier: GPL-2.0
//
// kcxx.h - the few freestanding C++ helpers the engine needs.
//
// No libstdc++ (it needs libc headers): placement new, min, and atomics on
// naturally aligned words through GCC builtins, which compile to plain
// locked instructions on x86-64 (no libatomic, no libgcc).
#pragma once

inline void *operator new(__SIZE_TYPE__, void *p) noexcept
{
	return p;
}

namespace kcxx {

template <typename T>
constexpr T min(T a, T b)
{
	return b < a ? b : a;
}

template <typename T>
constexpr T max(T a, T b)
{
	return a < b ? b : a;
}

template <typename T>
constexpr bool is_power_of_two(T v)
{
	return v && !(v & (v - 1));
}

// An integer shared between CPUs.  Only what the engine needs; the memory
// orders are spelled out at each use.
template <typename T>
class atomic {
	static_assert(sizeof(T) <= sizeof(unsigned long), "no libatomic calls");

public:
	constexpr explicit atomic(T v) : value_(v) {}

	T load_acquire() const
	{
		return __atomic_load_n(&value_, __ATOMIC_ACQUIRE);
	}
	void add_relaxed(T v)
	{
		__atomic_fetch_add(&value_, v, __ATOMIC_RELAXED);
	}
	// Returns the new value; release on the way down, acquire for the
	// thread that sees the final value (like refcount_dec_and_test).
	T sub_acq_rel(T v)
	{
		return __atomic_sub_fetch(&value_, v, __ATOMIC_ACQ_REL);
	}
	void or_relaxed(T v)
	{
		__atomic_fetch_or(&value_, v, __ATOMIC_RELAXED);
	}

private:
	T value_;
};

} // namespace kcxx
