#include "models/boltzmann/boltzmann.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
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

// Random draws (since boltzmann 1.1). One Philox-4x64 call yields 256 bits; it serves a block of 16
// agents, 16 bits each, for both phases of the step. Before, every agent made one call per phase
// and used 64 of its 256 bits: those calls were two thirds of the instructions of a step. Agents
// 16b .. 16b+15 use the stream (step, kStepDraws, b), a pure function of seed, replicate, step and
// the agents' indices (the population never changes size or order, so an index names one agent
// for the whole run); agent 16b+j takes bits 16(j%4) .. 16(j%4)+15 of word j/4. The top 3 bits
// choose its move, uniform over the 8 Moore neighbours; the low 13 bits choose the receiver of its
// gift (see pick_other).
constexpr std::uint64_t kStepDraws = sim::purpose_id("boltzmann_step_draws");
constexpr std::uint64_t kGiftRedraw = sim::purpose_id("give_money_redraw");
constexpr std::size_t kAgentsPerDraw = 16;
constexpr unsigned kGiftBits = 13;
using Draw = std::uint16_t;
constexpr std::uint64_t kGiftMask = (std::uint64_t{1} << kGiftBits) - 1;

// The small-N path: at or below four chunks the fork/join of the parallel passes costs more than
// their work (2 threads took 0.93x the speed of 1 at 10^4 agents). Up to kCacheResidentAgents its
// per-agent and per-cell arrays stay in cache and one thread of it does about four times the
// agent-steps of one thread of the parallel path (BENCHMARKS.md, issue 19), so it is taken there
// too unless more than kSerialMaxThreads threads are allowed.
constexpr std::size_t kSerialAgents = 4 * sim::kChunkSize;
constexpr std::size_t kSerialMaxThreads = 2;
constexpr std::size_t kCacheResidentAgents = std::size_t{1} << 18;

// The same numbers as streams.stream(step, kStepDraws, block).next_u64() four times, in one call
// to the generator (the stream's buffering cost more instructions than the call itself).
void draw_words(const sim::RandomStreams& streams, std::int64_t step, std::size_t block,
                std::array<Draw, kAgentsPerDraw>& words) {
  const r123::Philox4x64::key_type key = {{streams.seed(), streams.replicate()}};
  const r123::Philox4x64::ctr_type counter = {{block, static_cast<std::uint64_t>(step), kStepDraws, 0}};
  const r123::Philox4x64::ctr_type bits = r123::Philox4x64{}(counter, key);
  for (std::size_t w = 0; w < 4; ++w) {
    for (std::size_t part = 0; part < 4; ++part)
      words[4 * w + part] = static_cast<Draw>(bits.v[w] >> (16 * part));
  }
}

// Calls per_agent(i, draw) for i in [begin, end), begin a multiple of kAgentsPerDraw (chunks are).
template <class PerAgent>
void for_each_agent_with_draw(const sim::RandomStreams& streams, std::int64_t step, std::size_t begin,
                              std::size_t end, PerAgent&& per_agent) {
  std::array<Draw, kAgentsPerDraw> words{};
  for (std::size_t block_begin = begin; block_begin < end; block_begin += kAgentsPerDraw) {
    draw_words(streams, step, block_begin / kAgentsPerDraw, words);
    const std::size_t block_end = std::min(block_begin + kAgentsPerDraw, end);
    for (std::size_t i = block_begin; i != block_end; ++i) per_agent(i, words[i - block_begin]);
  }
}

// Moves one agent to the Moore neighbour its draw chooses; returns its new cell.
std::uint32_t move_on_torus(std::int32_t& x, std::int32_t& y, Draw draw, std::int32_t width,
                            std::int32_t height) {
  const auto& offset = kMooreOffsets[static_cast<unsigned>(draw) >> kGiftBits];
  x = step_on_torus(x, offset[0], width);
  y = step_on_torus(y, offset[1], height);
  return static_cast<std::uint32_t>(y) * static_cast<std::uint32_t>(width) + static_cast<std::uint32_t>(x);
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
  draw_.resize(n);
  if (n <= kCacheResidentAgents && cells <= 4 * kCacheResidentAgents) {
    rank_in_cell_.resize(n);
    gift_slot_.resize(n);
  }

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

bool BoltzmannModel::use_serial_path() const {
  const std::size_t n = agents_.size();
  if (rank_in_cell_.size() != n) return false;  // too large: the serial arrays are not allocated
  if (n <= kSerialAgents) return true;
  return oneapi::tbb::global_control::active_value(oneapi::tbb::global_control::max_allowed_parallelism) <=
         kSerialMaxThreads;
}

// Phase "move" — reads x, y; writes x, y, the cell of the agent itself and its draw of the step.
void BoltzmannModel::move(const sim::PhaseContext& context) {
  serial_step_ = use_serial_path();
  if (serial_step_) {
    move_serial(context);
    return;
  }
  const auto width = static_cast<std::int32_t>(parameters_.width);
  const auto height = static_cast<std::int32_t>(parameters_.height);
  sim::parallel_for_chunks(agents_.size(), [&](const sim::Chunk& chunk) {
    for_each_agent_with_draw(streams_, context.step, chunk.begin, chunk.end, [&](std::size_t i, Draw draw) {
      cell_of_agent_[i] = move_on_torus(x_[i], y_[i], draw, width, height);
      draw_[i] = draw;
    });
  });
}

// Serial "move": also counts the agents of each cell and gives each agent its rank among the
// earlier agents of its cell, which is its place in the cell index (agents ascending in a cell).
// Raw pointers: through the vectors the compiler reloads every array's address after each store.
void BoltzmannModel::move_serial(const sim::PhaseContext& context) {
  const auto width = static_cast<std::int32_t>(parameters_.width);
  const auto height = static_cast<std::int32_t>(parameters_.height);
  // cell_start_ holds each cell's count until index_cells_serial turns counts into first slots
  std::fill(cell_start_.begin(), cell_start_.end(), 0U);
  std::int32_t* x = x_.data();
  std::int32_t* y = y_.data();
  std::uint32_t* cell_of_agent = cell_of_agent_.data();
  Draw* draws = draw_.data();
  std::uint32_t* rank_in_cell = rank_in_cell_.data();
  std::uint32_t* count_in_cell = cell_start_.data();
  for_each_agent_with_draw(streams_, context.step, 0, agents_.size(), [&](std::size_t i, Draw draw) {
    const std::uint32_t cell = move_on_torus(x[i], y[i], draw, width, height);
    cell_of_agent[i] = cell;
    draws[i] = draw;
    rank_in_cell[i] = count_in_cell[cell]++;
  });
}

// Phase "index_cells" — reads the agents' cells; writes the cell index (agents grouped by cell,
// ascending within a cell). At 10^6 agents the arrays indexed by cell do not fit in cache, so
// instead of scattering each agent straight to its cell (random reads and writes, which the
// atomics a parallel scatter needs would also serialise) the agents are sorted in two stable
// counting passes: by bucket of cells, then within each bucket by cell, where the bucket's slice
// of cell_start_ is cache-resident. No atomics, and the result does not depend on threads.
void BoltzmannModel::index_cells(const sim::PhaseContext& /*context*/) {
  if (serial_step_) {
    index_cells_serial();
    return;
  }
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

// Serial "index_cells": each cell's first slot from the counts. Agents are written to their slots
// by give_money_serial, in the pass that reads the same cell entries for the gift decisions.
void BoltzmannModel::index_cells_serial() {
  std::uint32_t next = 0;
  for (std::uint32_t& entry : cell_start_) {
    const std::uint32_t count = entry;
    entry = next;
    next += count;
  }
}

// Uniform on [0, others) from the low 13 bits of the agent's draw (Lemire's multiply-and-reject).
// A rejected draw (probability (2^13 mod others) / 2^13: never for 1, 2 or 4 others, 2 in 8,192
// for 3) is replaced by one from the agent's own stream, so the pick stays exactly uniform.
std::uint32_t BoltzmannModel::pick_other(std::uint16_t draw, std::uint32_t others, std::size_t agent,
                                         const sim::PhaseContext& context) const {
  const std::uint64_t product = (draw & kGiftMask) * std::uint64_t{others};
  const std::uint64_t low = product & kGiftMask;
  if (low < others) [[unlikely]] {
    const std::uint64_t threshold = (kGiftMask + 1) % others;  // (2^13 - others) mod others
    if (low < threshold) return redraw_pick(others, agent, context);
  }
  return static_cast<std::uint32_t>(product >> kGiftBits);
}

// Out of line and cold: inlined, its registers would spill in the hot loops that call pick_other.
std::uint32_t BoltzmannModel::redraw_pick(std::uint32_t others, std::size_t agent,
                                          const sim::PhaseContext& context) const {
  return static_cast<std::uint32_t>(context.rng(agents_.id(agent), kGiftRedraw).uniform_below(others));
}

// Phase "give_money" — reads wealth and the cell index; writes wealth. Every agent with wealth > 0
// when the phase begins gives one unit to a random other agent of its cell. Gifts stay inside a
// cell, so cells are independent tasks with no locks; walking the cells in order reads the cell
// index in order, and only cells with two or more agents touch wealth at all.
void BoltzmannModel::give_money(const sim::PhaseContext& context) {
  if (serial_step_) {
    give_money_serial(context);
    return;
  }
  const auto slots = static_cast<AgentIndex>(agents_by_cell_.size());
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
      __builtin_prefetch(&draw_[agents_by_cell_[slot]]);
    }
    if (members < 2) return;
    const std::uint32_t* member = agents_by_cell_.data() + first;
    std::int32_t* net_change = net_change_by_slot_.data() + first;
    std::fill(net_change, net_change + members, 0);
    // All decisions read the wealth held at the start of the phase: nothing is paid until every
    // member of the cell has chosen.
    for (std::uint32_t self = 0; self < members; ++self) {
      if (wealth_[member[self]] <= 0) continue;
      std::uint32_t pick = pick_other(draw_[member[self]], members - 1, member[self], context);
      if (pick >= self) ++pick;  // skip the giver itself
      net_change[self] -= 1;
      net_change[pick] += 1;
    }
    for (std::uint32_t slot = 0; slot < members; ++slot) {
      if (net_change[slot] != 0) wealth_[member[slot]] += net_change[slot];
    }
  });
}

// Serial "give_money": first every agent takes its slot in the cell index and decides (the slot its
// unit goes to, its own slot when it gives nothing: alone in its cell or without wealth), then all
// units move. No branch depends on the draws or on wealth; decisions read the wealth held when the
// phase began, as in give_money.
void BoltzmannModel::give_money_serial(const sim::PhaseContext& context) {
  const std::size_t n = agents_.size();
  std::int32_t* wealth = wealth_.data();
  const std::uint32_t* cell_of_agent = cell_of_agent_.data();
  const std::uint32_t* rank_in_cell = rank_in_cell_.data();
  const Draw* draws = draw_.data();
  const std::uint32_t* cell_start = cell_start_.data();
  AgentIndex* agents_by_cell = agents_by_cell_.data();
  std::uint32_t* gift_slot = gift_slot_.data();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t cell = cell_of_agent[i];
    const std::uint32_t first = cell_start[cell];
    const std::uint32_t members = cell_start[cell + 1] - first;
    const std::uint32_t self = rank_in_cell[i];
    const std::uint32_t own_slot = first + self;
    agents_by_cell[own_slot] = static_cast<AgentIndex>(i);
    const std::uint32_t pick = pick_other(draws[i], members - 1, i, context);
    const std::uint32_t to_other = pick + static_cast<std::uint32_t>(pick >= self) - self;
    // 0 or all ones: a mask instead of a branch that would be mispredicted half the time
    const std::uint32_t gives =
        0U - (static_cast<std::uint32_t>(wealth[i] > 0) & static_cast<std::uint32_t>(members >= 2));
    gift_slot[i] = own_slot + (to_other & gives);
  }
  for (std::size_t i = 0; i < n; ++i) {
    --wealth[i];
    ++wealth[agents_by_cell[gift_slot[i]]];
  }
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
// scratch 22 (with the draws); per cell 4 (cell_start_). Populations small enough for the serial
// path add 8 per agent. A snapshot being written holds 20 more per agent (id and
// the three fields).
std::uint64_t estimate_memory_bytes(const sim::Config& config) {
  const Parameters parameters = read_parameters(config);
  const auto agents = static_cast<std::uint64_t>(parameters.agents);
  const auto cells =
      static_cast<std::uint64_t>(parameters.width) * static_cast<std::uint64_t>(parameters.height);
  const bool has_snapshots = config.integer("output.snapshot_every") > 0;
  const bool serial_arrays = agents <= kCacheResidentAgents && cells <= 4 * kCacheResidentAgents;
  return agents * (13 + 12 + 22 + (serial_arrays ? 8 : 0) + (has_snapshots ? 20 : 0)) + cells * 4;
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
