#pragma once
// Refusing sizes that cannot fit before anything is allocated: a scenario asking for two billion
// agents should get a message saying how much memory that needs, not an out-of-memory kill an hour
// later (or a machine swapping to a halt). Models estimate their own needs
// (ModelDefinition::estimate_memory_bytes); the runner checks the estimate against what is
// available before it creates the output file or any model.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "sim/model.hpp"
#include "sim/scenario/scenario.hpp"

namespace sim {

struct AvailableMemory {
  std::uint64_t bytes = 0;
  // What limits it, with {} for the amount: "this machine has {} available",
  // "this container has {} available", "this process may use {} (ulimit -v)".
  std::string phrase = "this machine has {} available";
};

// The memory a run may use: MemAvailable from /proc/meminfo (or free physical pages), lowered to
// the cgroup's memory.max less memory.current and to RLIMIT_AS (ulimit -v) when those are smaller.
AvailableMemory available_memory();

// "96 GiB", "512 MiB", "1.5 GiB".
std::string format_bytes(std::uint64_t bytes);

// How many replicates of `model` can be alive at once in `available` memory (at most
// `wanted`, at least 1). Throws InputError at the model's size parameter (its file:line:column)
// when not even one fits, e.g.
//   scenarios/x.yaml:14:11: boltzmann.agents = 2000000000 would need about 121 GiB of memory; this
//   machine has 23 GiB available
// A model without an estimate always fits.
std::size_t replicates_that_fit(const ModelDefinition& model, const Config& config, std::size_t wanted,
                                const AvailableMemory& available);

}  // namespace sim
