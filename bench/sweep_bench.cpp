// Sweep throughput and the cost of the sweep machinery. For a small Boltzmann sweep (a grid of
// `points` design points, each a complete run with replicates and an output file) it times
//   bare:  each point's scenario run with run_scenario into its own file, nothing else;
//   sweep: run_sweep on a fresh folder (plan checks, identity file, logs, point files, sweep.h5);
// alternately, `repeats` times, and prints one JSON object: runs per minute of the sweep and the
// overhead of the sweep over the bare runs (median of the repeats). Planning (loading the sweep
// file and resolving every point's scenario) is timed separately.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "models/registry.hpp"
#include "sim/run/runner.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_runner.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sweep benchmark: prints one JSON object"};
  std::int64_t points = 40;
  std::int64_t agents = 1000;
  std::int64_t steps = 100;
  std::int64_t replicates = 2;
  std::size_t threads = 1;
  std::int64_t repeats = 3;
  std::string source_dir = INNOSIM_SOURCE_DIR;
  app.add_option("--points", points, "Design points (a grid over the number of agents)");
  app.add_option("--agents", agents, "Agents at the first point (the grid adds up to +50%)");
  app.add_option("--steps", steps, "Steps per run");
  app.add_option("--replicates", replicates, "Replicates per point");
  app.add_option("--threads", threads, "Worker threads");
  app.add_option("--repeats", repeats, "Timed repetitions of bare and sweep; medians are reported");
  CLI11_PARSE(app, argc, argv);

  const auto& models = models::all_models();
  const fs::path work = fs::temp_directory_path() / ("innosim-sweep-bench-" + std::to_string(::getpid()));
  fs::remove_all(work);
  fs::create_directories(work);
  std::string values;
  for (std::int64_t p = 0; p < points; ++p) {
    values += (p ? ", " : "") +
              std::to_string(agents + agents * p / (2 * std::max<std::int64_t>(points - 1, 1)) + p);
  }
  std::ofstream(work / "sweep.yaml") << "scenario: " << source_dir << "/scenarios/boltzmann.yaml\n"
                                     << "design: grid\nreplicates: " << replicates << "\n"
                                     << "set: {steps: " << steps << ", output.snapshot_every: 0, "
                                     << "boltzmann.width: 30, boltzmann.height: 30}\n"
                                     << "parameters:\n  boltzmann.agents: {values: [" << values << "]}\n";

  const auto plan_start = Clock::now();
  const sim::SweepPlan plan = sim::plan_sweep(work / "sweep.yaml", models);
  const double plan_seconds = seconds_since(plan_start);

  std::vector<double> bare_times;
  std::vector<double> sweep_times;
  for (std::int64_t r = 0; r < repeats; ++r) {
    const fs::path bare_dir = work / ("bare-" + std::to_string(r));
    fs::create_directories(bare_dir);
    auto start = Clock::now();
    for (std::size_t p = 0; p < plan.point_count(); ++p) {
      sim::RunRequest request;
      request.config = sim::point_config(plan, p, models);
      request.model = sim::find_model(models, "boltzmann");
      request.output = bare_dir / ("run-" + std::to_string(p) + ".h5");
      request.threads = threads;
      static_cast<void>(sim::run_scenario(request));
    }
    bare_times.push_back(seconds_since(start));

    sim::SweepOptions options;
    options.directory = work / ("sweep-" + std::to_string(r));
    options.threads = threads;
    start = Clock::now();
    static_cast<void>(sim::run_sweep(plan, options, models));
    sweep_times.push_back(seconds_since(start));
  }
  fs::remove_all(work);
  const double bare = median(bare_times);
  const double sweep = median(sweep_times);
  std::printf(
      "{\"benchmark\": \"sweep\", \"points\": %lld, \"agents\": %lld, \"steps\": %lld, \"replicates\": %lld, "
      "\"threads\": %zu, \"plan_seconds\": %.4f, \"bare_seconds\": %.4f, \"sweep_seconds\": %.4f, "
      "\"runs_per_minute\": %.1f, \"overhead_percent\": %.2f}\n",
      static_cast<long long>(points), static_cast<long long>(agents), static_cast<long long>(steps),
      static_cast<long long>(replicates), threads, plan_seconds, bare, sweep,
      60.0 * static_cast<double>(plan.point_count()) / sweep, 100.0 * (sweep - bare) / bare);
  return 0;
}
