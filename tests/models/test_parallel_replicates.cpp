// Replicates run in parallel (sim/run/runner.cpp) yet the output file is the same as a serial run's,
// whatever the thread count: metrics by replicate index, panel rows in replicate order.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>

#include "models/registry.hpp"
#include "sim/output/output_compare.hpp"
#include "sim/run/runner.hpp"

namespace {

namespace fs = std::filesystem;

sim::RunRequest reference_request(const fs::path& output, std::size_t threads,
                                  std::size_t parallel_replicates) {
  const auto& models = models::all_models();
  sim::RunRequest request;
  request.config = sim::load_scenario_text(
      "model: boltzmann\nseed: 5\nreplicates: 5\nsteps: 12\noutput: {snapshot_every: 4}\n"
      "boltzmann: {agents: 3000, width: 30, height: 30}\n",
      "parallel-replicates.yaml", sim::build_schema(models));
  request.model = sim::find_model(models, "boltzmann");
  request.output = output;
  request.threads = threads;
  request.max_parallel_replicates = parallel_replicates;
  return request;
}

}  // namespace

TEST_CASE("replicates in parallel write the same file as replicates one after another") {
  const fs::path dir =
      fs::temp_directory_path() / ("innosim-parallel-replicates-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const sim::RunResult serial = sim::run_scenario(reference_request(dir / "serial.h5", 1, 1));
  const sim::RunResult parallel = sim::run_scenario(reference_request(dir / "parallel.h5", 4, 0));
  const sim::RunResult two = sim::run_scenario(reference_request(dir / "two.h5", 2, 2));
  const sim::OutputComparison first = sim::compare_outputs(dir / "serial.h5", dir / "parallel.h5");
  const sim::OutputComparison second = sim::compare_outputs(dir / "serial.h5", dir / "two.h5");
  INFO(sim::format_comparison(first, "serial", "parallel"));
  CHECK(first.identical());
  CHECK(second.identical());
  CHECK(first.datasets.size() > 4);  // metrics and the agent panel
  CHECK(serial.mean_series == parallel.mean_series);
  CHECK(serial.agent_steps == parallel.agent_steps);
  fs::remove_all(dir);
}
