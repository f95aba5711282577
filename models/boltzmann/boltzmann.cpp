#include "models/boltzmann/boltzmann.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "sim/core/parallel.hpp"

namespace models::boltzmann {

namespace {

__extension__ typedef __int128 Int128;

// Moore neighbourhood without the centre, as Mesa's get_neighborhood(moore=True, include_center=False).
constexpr std::array<std::array<int, 2>, 8> kMooreOffsets = {
    {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}}};

// One step along a torus axis: a move changes a coordinate by at most 1, so wrapping needs a
// comparison, not the integer divisions of a general modulo (four per agent-step in "move").
std::int32_t step_on_torus(std::int32_t coordinate, int offset, std::int32_t extent) {
  const std::int32_t moved = coordinate + offset;
  if (moved < 0) return moved + extent;
  if (moved >= extent) return moved - extent;
  return moved;
}

using AgentIndex = std::uint32_t;

// How many cell slots ahead give_money prefetches: enough misses in flight to cover memory latency
// (about 100 ns) at a few ns per slot.
constexpr AgentIndex kGiveLookahead = 32;

}  // namespace

Parameters read_parameters(const sim::Config& config) {
  Parameters parameters;
  parameters.agents = config.integer("boltzmann.agents");
  parameters.width = config.integer("boltzmann.width");
  parameters.height = config.integer("boltzmann.height");
  return parameters;
}

BoltzmannModel::BoltzmannModel(const Parameters& parameters, const sim::ReplicateContext& context)
    : parameters_(parameters),
      streams_(context.seed, context.replicate),
      scheduler_(streams_),
      x_(agents_.add_field<std::int32_t>("x", {"cells", "Column of the agent's cell", true})),
      y_(agents_.add_field<std::int32_t>("y", {"cells", "Row of the agent's cell", true})),
      wealth_(agents_.add_field<std::int32_t>("wealth", {"units", "Units of wealth held", true})),
      check_every_phase_(context.check_invariants_every_phase) {
  const auto n = static_cast<std::size_t>(parameters_.agents);
  const auto cells = static_cast<std::size_t>(parameters_.width * parameters_.height);
  agents_.spawn(n);
  std::fill(wealth_.begin(), wealth_.end(), 1);
  place_agents_at_random();
  initial_total_wealth_ = total_wealth();

  // Buckets of 4096 cells (16 KiB of cell_start_, cache-resident while a bucket is sorted), made
  // wider on sparse grids so that there are no more buckets than agent chunks: bucket_offsets_
  // then stays small next to the per-agent arrays.
  const std::size_t agent_chunks = std::max<std::size_t>(1, sim::chunk_count(n));
  cell_bucket_shift_ = 12;
  while (((cells - 1) >> cell_bucket_shift_) + 1 > agent_chunks) ++cell_bucket_shift_;
  cell_buckets_ = ((cells - 1) >> cell_bucket_shift_) + 1;
  cell_of_agent_.resize(n);
  // Each chunk's row of offsets starts on its own cache line: rows are incremented per agent by
  // different threads, and rows sharing a line made two threads slower than one at 10^4 agents.
  bucket_row_stride_ = (cell_buckets_ + 15) / 16 * 16;
  bucket_offsets_.resize(agent_chunks * bucket_row_stride_);
  bucket_start_.resize(cell_buckets_ + 1);
  staged_.resize(n);
  cell_start_.resize(cells + 1);
  cell_start_[cells] = static_cast<std::uint32_t>(n);
  agents_by_cell_.resize(n);
  net_change_by_slot_.resize(n);

  scheduler_.add_phase("move", [this](const sim::PhaseContext& c) { move(c); });
  scheduler_.add_phase("index_cells", [this](const sim::PhaseContext& c) { index_cells(c); });
  scheduler_.add_phase("give_money", [this](const sim::PhaseContext& c) { give_money(c); });
  if (check_every_phase_) {
    scheduler_.set_invariant_check(
        [this](std::int64_t step, const std::string& phase) { check_invariants(step, phase); });
  }
}

void BoltzmannModel::place_agents_at_random() {
  constexpr std::uint64_t kPlacement = sim::purpose_id("place_agents");
  sim::parallel_for_each_index(agents_.size(), [&](std::size_t i) {
    auto rng = streams_.stream(0, kPlacement, agents_.id(i));
    x_[i] = static_cast<std::int32_t>(rng.uniform_below(static_cast<std::uint64_t>(parameters_.width)));
    y_[i] = static_cast<std::int32_t>(rng.uniform_below(static_cast<std::uint64_t>(parameters_.height)));
  });
}

void BoltzmannModel::step(std::int64_t step) { scheduler_.run_step(step); }

// Phase "move" — reads x, y; writes x, y and the cell of the agent itself.
void BoltzmannModel::move(const sim::PhaseContext& context) {
  const auto width = static_cast<std::int32_t>(parameters_.width);
  const auto height = static_cast<std::int32_t>(parameters_.height);
  sim::parallel_for_each_index(agents_.size(), [&](std::size_t i) {
    auto rng = context.rng(agents_.id(i));
    const auto& offset = kMooreOffsets[rng.uniform_below(kMooreOffsets.size())];
    x_[i] = step_on_torus(x_[i], offset[0], width);
    y_[i] = step_on_torus(y_[i], offset[1], height);
    cell_of_agent_[i] = static_cast<std::uint32_t>(y_[i]) * static_cast<std::uint32_t>(width) +
                        static_cast<std::uint32_t>(x_[i]);
  });
}

// Phase "index_cells" — reads the agents' cells; writes the cell index (agents grouped by cell,
// ascending within a cell). At 10^6 agents the arrays indexed by cell do not fit in cache, so
// instead of scattering each agent straight to its cell (random reads and writes, which the
// atomics a parallel scatter needs would also serialise) the agents are sorted in two stable
// counting passes: by bucket of cells, then within each bucket by cell, where the bucket's slice
// of cell_start_ is cache-resident. No atomics, and the result does not depend on threads.
void BoltzmannModel::index_cells(const sim::PhaseContext& /*context*/) {
  const std::size_t n = agents_.size();
  const std::size_t buckets = cell_buckets_;
  const unsigned shift = cell_bucket_shift_;
  // Each agent chunk counts its agents per bucket ...
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    std::uint32_t* counts = bucket_offsets_.data() + chunk.index * bucket_row_stride_;
    std::fill(counts, counts + buckets, 0U);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) ++counts[cell_of_agent_[i] >> shift];
  });
  // ... which become each chunk's first slot in each bucket: buckets in order, and within a
  // bucket the chunks in order, so a bucket lists its agents ascending.
  std::uint32_t next = 0;
  for (std::size_t bucket = 0; bucket < buckets; ++bucket) {
    bucket_start_[bucket] = next;
    for (std::size_t chunk = 0; chunk < sim::chunk_count(n); ++chunk) {
      std::uint32_t& entry = bucket_offsets_[chunk * bucket_row_stride_ + bucket];
      const std::uint32_t count = entry;
      entry = next;
      next += count;
    }
  }
  bucket_start_[buckets] = next;
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    std::uint32_t* next_slot = bucket_offsets_.data() + chunk.index * bucket_row_stride_;
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      const std::uint32_t cell = cell_of_agent_[i];
      staged_[next_slot[cell >> shift]++] = StagedAgent{static_cast<std::uint32_t>(i), cell};
    }
  });
  // Within each bucket: count per cell, turn counts into cell ends, and fill each cell from its
  // end while walking the bucket backwards (stable: agents stay ascending). Buckets cover
  // disjoint cells and slots, so each is one independent task.
  const std::size_t cells = cell_start_.size() - 1;
  oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, buckets, 1),
                            [&](const oneapi::tbb::blocked_range<std::size_t>& range) {
                              for (std::size_t bucket = range.begin(); bucket != range.end(); ++bucket) {
                                const std::size_t first_cell = bucket << shift;
                                const std::size_t end_cell = std::min(cells, (bucket + 1) << shift);
                                std::fill(cell_start_.begin() + first_cell, cell_start_.begin() + end_cell,
                                          0U);
                                const std::uint32_t begin = bucket_start_[bucket];
                                const std::uint32_t end = bucket_start_[bucket + 1];
                                for (std::uint32_t slot = begin; slot != end; ++slot)
                                  ++cell_start_[staged_[slot].cell];
                                std::uint32_t cell_end = begin;
                                for (std::size_t cell = first_cell; cell != end_cell; ++cell) {
                                  cell_end += cell_start_[cell];
                                  cell_start_[cell] = cell_end;
                                }
                                for (std::uint32_t slot = end; slot-- != begin;) {
                                  agents_by_cell_[--cell_start_[staged_[slot].cell]] = staged_[slot].agent;
                                }
                              }
                            });
}

// Phase "give_money" — reads wealth and the cell index; writes wealth. Every agent with wealth > 0
// when the phase begins gives one unit to a random other agent of its cell. Gifts stay inside a
// cell, so cells are independent tasks with no locks; walking the cells in order reads the cell
// index in order, and only cells with two or more agents touch wealth at all.
void BoltzmannModel::give_money(const sim::PhaseContext& context) {
  const auto slots = static_cast<AgentIndex>(agents_by_cell_.size());
  const sim::AgentId* ids = agents_.ids().data();
  sim::parallel_for_each_index(cell_start_.size() - 1, [&](std::size_t cell) {
    const std::uint32_t first = cell_start_[cell];
    const std::uint32_t members = cell_start_[cell + 1] - first;
    // Whether an agent gives depends on its wealth, a random read at 10^6 agents; a mispredicted
    // branch on a load that misses the cache would serialise the misses. So the wealth and id of
    // the agents kGiveLookahead slots ahead are requested now, to be in cache when their cell
    // comes (each slot is prefetched once, as its cell's slots shifted by the lookahead).
    for (AgentIndex slot = first + kGiveLookahead; slot < std::min(first + members + kGiveLookahead, slots);
         ++slot) {
      __builtin_prefetch(&wealth_[agents_by_cell_[slot]]);
      __builtin_prefetch(&ids[agents_by_cell_[slot]]);
    }
    if (members < 2) return;
    const std::uint32_t* member = agents_by_cell_.data() + first;
    std::int32_t* net_change = net_change_by_slot_.data() + first;
    std::fill(net_change, net_change + members, 0);
    // All decisions read the wealth held at the start of the phase: nothing is paid until every
    // member of the cell has chosen.
    for (std::uint32_t self = 0; self < members; ++self) {
      if (wealth_[member[self]] <= 0) continue;
      auto rng = context.rng(agents_.id(member[self]));
      auto pick = static_cast<std::uint32_t>(rng.uniform_below(members - 1));
      if (pick >= self) ++pick;  // skip the giver itself
      net_change[self] -= 1;
      net_change[pick] += 1;
    }
    for (std::uint32_t slot = 0; slot < members; ++slot) {
      if (net_change[slot] != 0) wealth_[member[slot]] += net_change[slot];
    }
  });
}

std::int64_t BoltzmannModel::total_wealth() const {
  return sim::deterministic_sum<std::int64_t>(wealth_.size(), [&](std::size_t i) { return wealth_[i]; });
}

// Gini coefficient from a histogram of wealth (wealth is a small non-negative integer, so this is
// exact and O(N) instead of a sort): with values v ascending, c agents each and r agents below,
// G = sum v*c*(2r + c - n) / (n * total).
double gini_coefficient(std::span<const std::int32_t> wealth) {
  const std::size_t n = wealth.size();
  if (n == 0) return 0.0;
  const std::int64_t richest = *std::max_element(wealth.begin(), wealth.end());
  std::vector<std::int64_t> counts(static_cast<std::size_t>(richest) + 1, 0);
  for (const std::int32_t w : wealth) ++counts[static_cast<std::size_t>(w)];
  Int128 numerator = 0;
  Int128 total = 0;
  std::int64_t below = 0;
  const auto agents = static_cast<std::int64_t>(n);
  for (std::int64_t value = 0; value <= richest; ++value) {
    const std::int64_t count = counts[static_cast<std::size_t>(value)];
    if (count == 0) continue;
    numerator += static_cast<Int128>(value) * count * (2 * below + count - agents);
    total += static_cast<Int128>(value) * count;
    below += count;
  }
  if (total == 0) return 0.0;
  return static_cast<double>(numerator) / (static_cast<double>(agents) * static_cast<double>(total));
}

std::vector<sim::MetricInfo> BoltzmannModel::metrics() const {
  return {{"gini", "1", "Gini coefficient of wealth over all agents (0 = equal, 1 = one agent holds all)"},
          {"wealth_max", "units", "Wealth of the richest agent"},
          {"share_without_wealth", "1", "Share of agents with zero wealth"},
          {"wealth_total", "units", "Total wealth (conserved: equals the number of agents)"}};
}

void BoltzmannModel::measure(std::span<double> values) const {
  const std::size_t n = wealth_.size();
  const auto broke =
      sim::deterministic_sum<std::int64_t>(n, [&](std::size_t i) { return wealth_[i] == 0 ? 1 : 0; });
  values[0] = gini_coefficient(wealth_);
  values[1] = n == 0 ? 0.0 : static_cast<double>(*std::max_element(wealth_.begin(), wealth_.end()));
  values[2] = n == 0 ? 0.0 : static_cast<double>(broke) / static_cast<double>(n);
  values[3] = static_cast<double>(total_wealth());
}

void BoltzmannModel::check_invariants(std::int64_t step, const std::string& phase) const {
  const std::int64_t total = total_wealth();
  if (total != initial_total_wealth_) {
    throw std::logic_error(
        fmt::format("step {}, phase {}: total wealth is {} units, expected {} (wealth is conserved)", step,
                    phase, total, initial_total_wealth_));
  }
  for (std::size_t i = 0; i < wealth_.size(); ++i) {
    if (wealth_[i] < 0) {
      throw std::logic_error(fmt::format("step {}, phase {}: agent {} has negative wealth {}", step, phase,
                                         agents_.id(i), wealth_[i]));
    }
  }
  if (check_every_phase_) agents_.check_invariants();
}

namespace {

void declare_parameters(sim::ObjectSpec& section) {
  section.integer("agents", "agents", "Number of agents; each starts with 1 unit of wealth")
      .default_value(std::int64_t{100})
      .between(1, 2'000'000'000);
  section.integer("width", "cells", "Width of the toroidal grid")
      .default_value(std::int64_t{10})
      .between(1, 65535);
  section.integer("height", "cells", "Height of the toroidal grid")
      .default_value(std::int64_t{10})
      .between(1, 65535);
}

// Bytes per agent: population bookkeeping 13 (id 8, removal mark 1, id index 4), hot fields 12,
// scratch 20; per cell 4 (cell_start_). A snapshot being written holds 20 more per
// agent (id and the three fields).
std::uint64_t estimate_memory_bytes(const sim::Config& config) {
  const Parameters parameters = read_parameters(config);
  const auto agents = static_cast<std::uint64_t>(parameters.agents);
  const auto cells =
      static_cast<std::uint64_t>(parameters.width) * static_cast<std::uint64_t>(parameters.height);
  const bool has_snapshots = config.integer("output.snapshot_every") > 0;
  return agents * (13 + 12 + 20 + (has_snapshots ? 20 : 0)) + cells * 4;
}

std::string describe_findings(const std::vector<sim::MetricInfo>& metrics,
                              const std::vector<std::vector<double>>& series) {
  auto find = [&](const std::string& name) -> const std::vector<double>& {
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      if (metrics[m].name == name) return series[m];
    }
    throw std::logic_error("boltzmann: no metric " + name);
  };
  const auto& gini = find("gini");
  const auto& broke = find("share_without_wealth");
  const auto& richest = find("wealth_max");
  return fmt::format(
      "Found: the Gini coefficient of wealth went from {:.3f} at step 0 to {:.3f} at step {}; by then "
      "{:.1f}% of "
      "agents held no wealth and the richest held {:.1f} units (means over replicates).",
      gini.front(), gini.back(), gini.size() - 1, 100.0 * broke.back(), richest.back());
}

}  // namespace

sim::ModelDefinition definition() {
  sim::ModelDefinition model;
  model.name = "boltzmann";
  model.version = kVersion;
  model.summary = "Boltzmann wealth model (Mesa benchmark): random exchange of one unit on a toroidal grid";
  model.declare_parameters = declare_parameters;
  model.create = [](const sim::Config& config,
                    const sim::ReplicateContext& context) -> std::unique_ptr<sim::Model> {
    return std::make_unique<BoltzmannModel>(read_parameters(config), context);
  };
  model.describe_findings = describe_findings;
  model.estimate_memory_bytes = estimate_memory_bytes;
  model.size_parameter = "boltzmann.agents";
  return model;
}

}  // namespace models::boltzmann
