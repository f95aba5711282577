#pragma once
// The Boltzmann wealth model as in Mesa's benchmark suite: the reference model of the engine,
// its tutorial (docs/writing-a-model.md) and its yardstick against other frameworks.
//
// N agents start with wealth 1 on a W x H torus that allows many agents per cell. Each step every
// agent moves to a random Moore-neighbour cell; then every agent with wealth > 0 gives 1 unit to a
// random other agent in its cell. Metric: the Gini coefficient of wealth.
//
// Unlike Mesa's sequential random activation, the phases here act on all agents at once:
// everyone moves, then every agent that held wealth when the give phase began proposes one gift,
// and all gifts are applied together. See docs/writing-a-model.md for what this changes.
#include <cstdint>
#include <span>
#include <vector>

#include "sim/model.hpp"

namespace models::boltzmann {

// Written in every output's manifest; raise it with any change that moves the results of a scenario
// and seed (sim::ModelDefinition::version).
inline constexpr const char* kVersion = "boltzmann 1.1";

struct Parameters {
  std::int64_t agents = 100;  // agents
  std::int64_t width = 10;    // cells
  std::int64_t height = 10;   // cells
};

Parameters read_parameters(const sim::Config& config);

// Gini coefficient of non-negative integer wealth, exact up to the final division (Mesa's
// compute_gini without the sort). 0 when nobody holds anything.
double gini_coefficient(std::span<const std::int32_t> wealth);

class BoltzmannModel final : public sim::Model {
 public:
  BoltzmannModel(const Parameters& parameters, const sim::ReplicateContext& context);

  void step(std::int64_t step) override;
  [[nodiscard]] std::vector<sim::MetricInfo> metrics() const override;
  void measure(std::span<double> values) const override;
  [[nodiscard]] std::vector<const sim::Population*> populations() const override { return {&agents_}; }
  void check_invariants(std::int64_t step, const std::string& phase) const override;
  [[nodiscard]] const sim::Scheduler& scheduler() const override { return scheduler_; }
  [[nodiscard]] std::size_t agent_count() const override { return agents_.size(); }
  // Positions and wealth: the cell index and gift buffers are rebuilt by every step before use.
  void save_state(std::ostream& out) const override { agents_.save_state(out); }
  void restore_state(std::istream& in) override { agents_.restore_state(in); }

  // Read access for tests.
  [[nodiscard]] const sim::Population& agents() const { return agents_; }
  [[nodiscard]] std::int64_t total_wealth() const;

 private:
  void place_agents_at_random();
  void move(const sim::PhaseContext& context);
  void index_cells(const sim::PhaseContext& context);
  void give_money(const sim::PhaseContext& context);
  // The small-N path: the same rules in plain loops over the agents (no tasks, no buckets), for
  // populations whose arrays stay in cache. It gives the same state as the parallel path.
  [[nodiscard]] bool use_serial_path() const;
  void move_serial(const sim::PhaseContext& context);
  void index_cells_serial();
  void give_money_serial(const sim::PhaseContext& context);
  [[nodiscard]] std::uint32_t pick_other(std::uint16_t draw, std::uint32_t others, std::size_t agent,
                                         const sim::PhaseContext& context) const;
  [[gnu::noinline, gnu::cold]] std::uint32_t redraw_pick(std::uint32_t others, std::size_t agent,
                                                         const sim::PhaseContext& context) const;

  Parameters parameters_;
  sim::RandomStreams streams_;
  sim::Scheduler scheduler_;
  sim::Population agents_{"agent"};
  // Hot fields, 12 bytes per agent: position and wealth. Wealth is 32-bit: no agent can hold more
  // than the total, which equals the number of agents (at most 2e9 by the schema); the smaller
  // array is the one give_money reads and writes at random.
  std::vector<std::int32_t>& x_;
  std::vector<std::int32_t>& y_;
  std::vector<std::int32_t>& wealth_;
  // Scratch reused every step (no allocation in the step loop). Per agent 22 bytes: cell_of_agent_,
  // the staging pair, agents_by_cell_, net_change_by_slot_, draw_; per cell 4 (cell_start_); per
  // (agent chunk, cell bucket) 4 (bucket_offsets_). The serial path's arrays add 8 per agent
  // where they are allocated.
  std::vector<std::uint32_t> cell_of_agent_;  // cell index of each agent after moving
  // Agents grouped by cell with a two-pass counting sort that needs no atomics and touches
  // memory in order: first by bucket of cells (per agent chunk, in chunk order), then within
  // each bucket by cell. Both passes are stable, so agents come out ascending within a cell
  // whatever the number of threads.
  struct StagedAgent {
    std::uint32_t agent;
    std::uint32_t cell;
  };
  unsigned cell_bucket_shift_ = 0;  // cells per bucket = 1 << cell_bucket_shift_
  std::size_t cell_buckets_ = 0;
  std::size_t bucket_row_stride_ = 0;             // cell_buckets_ rounded up to 16 (a 64-byte line)
  std::vector<std::uint32_t> bucket_offsets_;     // [agent chunk][bucket]: count, then first slot
  std::vector<std::uint32_t> bucket_start_;       // first slot of each bucket in staged_ (+1 sentinel)
  std::vector<StagedAgent> staged_;               // agents grouped by bucket, ascending within one
  std::vector<std::uint32_t> cell_start_;         // first slot of each cell in agents_by_cell_ (+1 sentinel)
  std::vector<std::uint32_t> agents_by_cell_;     // agent indices grouped by cell, ascending within a cell
  std::vector<std::int32_t> net_change_by_slot_;  // wealth change of the agent in each cell slot
  // The step's 16 random bits of each agent, drawn in "move" for both phases (see draw_words).
  std::vector<std::uint16_t> draw_;
  // Serial path only (allocated when the population is small enough to take it): per agent its
  // rank among the earlier agents of its cell and the slot of the agent it gives to (its own slot
  // when it gives nothing). Per cell it uses cell_start_, first for counts.
  std::vector<std::uint32_t> rank_in_cell_;
  std::vector<std::uint32_t> gift_slot_;
  bool serial_step_ = false;  // the path this step takes, chosen in "move"
  std::int64_t initial_total_wealth_ = 0;
  bool check_every_phase_ = false;
};

sim::ModelDefinition definition();

}  // namespace models::boltzmann
