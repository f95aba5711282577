#pragma once
// Parallel loops whose results do not depend on the number of threads.
//
// Work is cut into fixed chunks of kChunkSize indices, whatever the thread count. A loop body
// gets whole chunks, so per-chunk buffers (proposals, partial sums) are written by one task
// only, and are combined in chunk order afterwards: floating-point sums come out bit-identical
// on 1 or 16 threads.
#include <cstddef>
#include <vector>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

namespace sim {

inline constexpr std::size_t kChunkSize = 4096;

inline std::size_t chunk_count(std::size_t n) { return (n + kChunkSize - 1) / kChunkSize; }

struct Chunk {
  std::size_t index;  // 0, 1, 2, ... in order of the indices it covers
  std::size_t begin;
  std::size_t end;
};

// Calls body(Chunk) once per fixed chunk of [0, n), in parallel.
template <class Body>
void parallel_for_chunks(std::size_t n, Body&& body) {
  const std::size_t chunks = chunk_count(n);
  oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, chunks, 1),
                            [&](const oneapi::tbb::blocked_range<std::size_t>& range) {
                              for (std::size_t c = range.begin(); c != range.end(); ++c) {
                                const std::size_t begin = c * kChunkSize;
                                const std::size_t end = begin + kChunkSize < n ? begin + kChunkSize : n;
                                body(Chunk{c, begin, end});
                              }
                            });
}

// Calls body(i) for every i in [0, n), in parallel. For bodies that write only index i's own
// data, where chunking does not matter for the result.
template <class Body>
void parallel_for_each_index(std::size_t n, Body&& body) {
  parallel_for_chunks(n, [&](const Chunk& chunk) {
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) body(i);
  });
}

// Sum over [0, n) where add(partial, i) adds index i's terms into its chunk's partial in place:
// per-chunk partials, added in chunk order. Bit-identical for any thread count.
template <class T, class Add>
T deterministic_accumulate(std::size_t n, Add&& add) {
  std::vector<T> partials(chunk_count(n), T{});
  parallel_for_chunks(n, [&](const Chunk& chunk) {
    T partial{};
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) add(partial, i);
    partials[chunk.index] = partial;
  });
  T total{};
  for (const T& partial : partials) total += partial;
  return total;
}

// Sum of term(i) over [0, n), blocked as deterministic_accumulate. For partials of many counters,
// deterministic_accumulate is cheaper: building a whole term per index costs more than counting.
template <class T, class Term>
T deterministic_sum(std::size_t n, Term&& term) {
  return deterministic_accumulate<T>(n, [&](T& partial, std::size_t i) { partial += term(i); });
}

}  // namespace sim
