#pragma once
// Runs a validated scenario: every replicate, every step, measuring metrics after each step and
// writing the output file (atomically) as it goes. Replicates run in parallel when there are
// threads for it (each replicate's phases use the rest); the file is written in replicate order,
// so its contents do not depend on the number of threads or on which replicate finished first.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/core/scheduler.hpp"
#include "sim/model.hpp"

namespace sim {

struct RunRequest {
  const ModelDefinition* model = nullptr;
  Config config;                  // seed, replicates, steps already final
  std::filesystem::path output;   // empty: run without writing a file (benchmarks)
  bool overwrite = false;         // --force
  std::size_t threads = 0;        // 0: all hardware threads
  bool check_invariants = false;  // after every phase, not only after every step
  bool show_progress = false;
  std::string command_line;
  // Replicates run in parallel, up to one per thread; a cap here bounds memory (each running
  // replicate holds a whole model). 0: no cap. Results do not depend on it.
  std::size_t max_parallel_replicates = 0;
  // Every this many steps (and at the last), each replicate's whole state goes to
  // `<output>.checkpoint/` (sim/run/checkpoint.hpp); 0: no checkpoints. Needs an output.
  std::int64_t checkpoint_every = 0;
  // Continue from the checkpoints in `<output>.checkpoint/` (replicates without one start at step
  // 0); the finished output equals an uninterrupted run's.
  bool resume = false;
};

// One population's size over a run, for memory and bandwidth accounting (--profile-json).
struct PopulationProfile {
  std::string kind;
  std::size_t rows_at_step_0 = 0;
  std::size_t peak_rows = 0;    // the most rows after any step
  std::uint64_t row_steps = 0;  // rows at the start of each step, summed over steps computed
};

struct RunResult {
  std::filesystem::path output;  // empty if none was written
  std::size_t threads = 0;
  double wall_seconds = 0.0;
  std::uint64_t agent_steps = 0;  // agents that acted, summed over steps and replicates
  std::int64_t replicates = 0;
  std::int64_t steps = 0;
  std::vector<MetricInfo> metrics;
  std::vector<std::vector<double>> mean_series;  // [metric][step], mean over replicates
  std::vector<PhaseTiming> phase_timings;        // summed over replicates
  double output_seconds = 0.0;                   // time the background writer spent writing the file
  double output_wait_seconds = 0.0;  // time the run waited for it (the output's cost on the wall clock)
  // Agents alive at step 0 and the most alive after any step, in one replicate (the largest over
  // replicates): what memory per agent is measured against (bench/run_suite.sh).
  std::size_t initial_agents = 0;
  std::size_t peak_agents = 0;
  // Per population, in the model's order: the largest over replicates (rows), the sum (row_steps).
  // Steps taken from checkpoints are not counted in row_steps.
  std::vector<PopulationProfile> populations;
  std::int64_t resumed_steps = 0;  // steps taken from checkpoints rather than computed, over replicates
};

RunResult run_scenario(const RunRequest& request);

// The end-of-run paragraph: what ran, how fast, where the output is, what it found.
std::string format_run_summary(const RunRequest& request, const RunResult& result);
// A table of time per phase (--profile).
std::string format_phase_profile(const RunResult& result);
// The same profile as a JSON document (--profile-json), with the run's size and speed, for
// benchmark scripts; its keys are described in BENCHMARKS.md ("The suite").
std::string format_phase_profile_json(const RunRequest& request, const RunResult& result);

// Current UTC time as ISO 8601 ("2026-11-23T11:12:40Z").
std::string utc_timestamp();

}  // namespace sim
