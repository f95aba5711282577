#pragma once
// Propose → resolve: how agents act on each other without locks or data races.
//
// During a parallel phase, agents write proposals ("give 1 unit to agent 17", "offer a licence")
// into the buffer of the fixed chunk they belong to (see parallel.hpp), so each buffer has one
// writer. Resolution then gathers the proposals in chunk order (= proposer order), orders them
// by a key the model chooses (target id, priority, proposer id), and applies them one by one or
// per target group. The outcome depends only on the proposals, never on thread timing.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "sim/core/parallel.hpp"

namespace sim {

template <class Proposal>
class ProposalBuffer {
 public:
  // Empties the buffer for a phase over n proposers; keeps the memory of earlier steps.
  void begin(std::size_t proposers) {
    const std::size_t chunks = chunk_count(proposers);
    if (per_chunk_.size() < chunks) per_chunk_.resize(chunks);
    for (auto& bucket : per_chunk_) bucket.clear();
  }

  // The buffer for one chunk: only the task running that chunk writes to it.
  std::vector<Proposal>& chunk(const Chunk& chunk) { return per_chunk_[chunk.index]; }

  // All proposals in proposer order, then stably sorted by `less` (ties keep proposer order).
  template <class Less>
  std::vector<Proposal>& gather_sorted(Less&& less) {
    gather();
    std::stable_sort(gathered_.begin(), gathered_.end(), less);
    return gathered_;
  }
  // All proposals in proposer order (chunk order), unsorted.
  std::vector<Proposal>& gather() {
    gathered_.clear();
    for (const auto& bucket : per_chunk_) gathered_.insert(gathered_.end(), bucket.begin(), bucket.end());
    return gathered_;
  }

  [[nodiscard]] std::size_t size() const {
    std::size_t total = 0;
    for (const auto& bucket : per_chunk_) total += bucket.size();
    return total;
  }

 private:
  std::vector<std::vector<Proposal>> per_chunk_;
  std::vector<Proposal> gathered_;
};

}  // namespace sim
