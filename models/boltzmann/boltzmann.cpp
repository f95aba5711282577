#include "models/boltzmann/boltzmann.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <numeric>
#include <stdexcept>

#include "sim/parallel.hpp"

namespace models::boltzmann {

namespace {

__extension__ typedef __int128 Int128;

constexpr std::uint32_t kNoGift = 0xFFFFFFFFu;

// Moore neighbourhood without the centre, as Mesa's get_neighborhood(moore=True, include_center=False).
constexpr std::array<std::array<int, 2>, 8> kMooreOffsets = {
    {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}}};

std::int32_t wrap(std::int64_t coordinate, std::int64_t extent) {
  return static_cast<std::int32_t>(((coordinate % extent) + extent) % extent);
}

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
      wealth_(agents_.add_field<std::int64_t>("wealth", {"units", "Units of wealth held", true})),
      check_every_phase_(context.check_invariants_every_phase) {
  const auto n = static_cast<std::size_t>(parameters_.agents);
  const auto cells = static_cast<std::size_t>(parameters_.width * parameters_.height);
  agents_.spawn(n);
  std::fill(wealth_.begin(), wealth_.end(), 1);
  place_agents_at_random();
  initial_total_wealth_ = total_wealth();

  cell_of_agent_.resize(n);
  cell_start_.resize(cells + 1);
  cell_fill_.resize(cells);
  agents_by_cell_.resize(n);
  gift_target_by_slot_.resize(n);

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
  const auto width = static_cast<std::uint32_t>(parameters_.width);
  sim::parallel_for_each_index(agents_.size(), [&](std::size_t i) {
    auto rng = context.rng(agents_.id(i));
    const auto& offset = kMooreOffsets[rng.uniform_below(kMooreOffsets.size())];
    x_[i] = wrap(std::int64_t{x_[i]} + offset[0], parameters_.width);
    y_[i] = wrap(std::int64_t{y_[i]} + offset[1], parameters_.height);
    cell_of_agent_[i] = static_cast<std::uint32_t>(y_[i]) * width + static_cast<std::uint32_t>(x_[i]);
  });
}

// Phase "index_cells" — reads the agents' cells; writes the cell index (agents grouped by cell, ascending
// within a cell). Counting uses relaxed atomic increments on the index (not on model state):
// counts are sums, and the final per-cell sort makes the grouping independent of thread timing.
void BoltzmannModel::index_cells(const sim::PhaseContext& /*context*/) {
  const std::size_t n = agents_.size();
  const std::size_t cells = cell_fill_.size();
  sim::parallel_for_each_index(cells, [&](std::size_t c) { cell_fill_[c] = 0; });
  sim::parallel_for_each_index(n, [&](std::size_t i) {
    std::atomic_ref<std::uint32_t>(cell_fill_[cell_of_agent_[i]]).fetch_add(1, std::memory_order_relaxed);
  });
  cell_start_[0] = 0;
  for (std::size_t c = 0; c < cells; ++c) {
    cell_start_[c + 1] = cell_start_[c] + cell_fill_[c];
    cell_fill_[c] = 0;
  }
  sim::parallel_for_each_index(n, [&](std::size_t i) {
    const std::uint32_t cell = cell_of_agent_[i];
    const std::uint32_t slot =
        std::atomic_ref<std::uint32_t>(cell_fill_[cell]).fetch_add(1, std::memory_order_relaxed);
    agents_by_cell_[cell_start_[cell] + slot] = static_cast<std::uint32_t>(i);
  });
  sim::parallel_for_each_index(cells, [&](std::size_t c) {
    if (cell_start_[c + 1] - cell_start_[c] > 1) {
      std::sort(agents_by_cell_.begin() + cell_start_[c], agents_by_cell_.begin() + cell_start_[c + 1]);
    }
  });
}

// Phase "give_money" — reads wealth and the cell index; each agent with wealth > 0 proposes a
// gift to a random other agent in its cell (in its own slot of the cell index), then gifts are resolved
// per cell: every gift stays inside its cell, so cells are independent and need no locks.
void BoltzmannModel::give_money(const sim::PhaseContext& context) {
  std::fill(gift_target_by_slot_.begin(), gift_target_by_slot_.end(), kNoGift);
  // Proposals: each giver pays its unit at once (its own field) and records the recipient in its
  // own slot of the cell index.
  sim::parallel_for_each_index(agents_.size(), [&](std::size_t i) {
    if (wealth_[i] <= 0) return;
    const std::uint32_t cell = cell_of_agent_[i];
    const std::uint32_t first = cell_start_[cell];
    const std::uint32_t members = cell_start_[cell + 1] - first;
    if (members < 2) return;
    auto rng = context.rng(agents_.id(i));
    auto pick = static_cast<std::uint32_t>(rng.uniform_below(members - 1));
    const auto* begin = agents_by_cell_.data() + first;
    const auto self = static_cast<std::uint32_t>(std::lower_bound(begin, begin + members, i) - begin);
    if (pick >= self) ++pick;  // skip the giver itself
    gift_target_by_slot_[first + self] = begin[pick];
    wealth_[i] -= 1;
  });
  // Resolution: every recipient is in the giver's cell, so each cell's gifts are applied by one task.
  sim::parallel_for_each_index(cell_fill_.size(), [&](std::size_t c) {
    for (std::uint32_t slot = cell_start_[c]; slot < cell_start_[c + 1]; ++slot) {
      const std::uint32_t recipient = gift_target_by_slot_[slot];
      if (recipient != kNoGift) wealth_[recipient] += 1;
    }
  });
}

std::int64_t BoltzmannModel::total_wealth() const {
  return sim::deterministic_sum<std::int64_t>(wealth_.size(), [&](std::size_t i) { return wealth_[i]; });
}

// Gini coefficient from a histogram of wealth (wealth is a small non-negative integer, so this is
// exact and O(N) instead of a sort): with values v ascending, c agents each and r agents below,
// G = sum v*c*(2r + c - n) / (n * total).
double gini_coefficient(std::span<const std::int64_t> wealth) {
  const std::size_t n = wealth.size();
  if (n == 0) return 0.0;
  const std::int64_t richest = *std::max_element(wealth.begin(), wealth.end());
  std::vector<std::int64_t> counts(static_cast<std::size_t>(richest) + 1, 0);
  for (const std::int64_t w : wealth) ++counts[static_cast<std::size_t>(w)];
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

// Bytes per agent: population bookkeeping 13 (id 8, removal mark 1, id index 4), hot fields 16,
// scratch 12; per cell 8 (cell_start_, cell_fill_). A snapshot being written holds 24 more per
// agent (id and the three fields).
std::uint64_t estimate_memory_bytes(const sim::Config& config) {
  const Parameters parameters = read_parameters(config);
  const auto agents = static_cast<std::uint64_t>(parameters.agents);
  const auto cells =
      static_cast<std::uint64_t>(parameters.width) * static_cast<std::uint64_t>(parameters.height);
  const bool has_snapshots = config.integer("output.snapshot_every") > 0;
  return agents * (13 + 16 + 12 + (has_snapshots ? 24 : 0)) + cells * 8;
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
