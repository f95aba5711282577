// Throughput of the reference model: agent-steps per second of the step loop (set-up excluded)
// and the process's peak resident memory. One configuration per process, so the peak is that
// configuration's own; bench/run_boltzmann.sh sweeps N and threads.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "models/boltzmann/boltzmann.hpp"
#include "sim/run/thread_limit.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Boltzmann wealth model benchmark: prints one JSON object per run"};
  std::int64_t agents = 1'000'000;
  std::int64_t steps = 100;
  std::size_t threads = 1;
  std::int64_t repeats = 3;
  app.add_option("--agents", agents,
                 "Number of agents (grid side is sqrt(agents): one agent per cell on average)");
  app.add_option("--steps", steps, "Steps per timed run");
  app.add_option("--threads", threads, "Worker threads");
  app.add_option("--repeats", repeats, "Timed runs; the fastest is reported, all are listed");
  CLI11_PARSE(app, argc, argv);

  sim::ThreadLimit limit(threads);
  models::boltzmann::Parameters parameters;
  parameters.agents = agents;
  parameters.width =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(std::sqrt(static_cast<double>(agents))));
  parameters.height = parameters.width;

  std::string runs;
  double best = 1e300;
  for (std::int64_t r = 0; r < repeats; ++r) {
    models::boltzmann::BoltzmannModel model(parameters,
                                            sim::ReplicateContext{42, static_cast<std::uint64_t>(r), false});
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t step = 1; step <= steps; ++step) model.step(step);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, seconds);
    runs += (runs.empty() ? "" : ", ") + std::to_string(seconds);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double agent_steps = static_cast<double>(agents) * static_cast<double>(steps);
  std::printf(
      "{\"model\": \"boltzmann\", \"agents\": %lld, \"grid\": \"%lldx%lld\", \"steps\": %lld, \"threads\": "
      "%zu, "
      "\"seconds_best\": %.6f, \"seconds_all\": [%s], \"agent_steps_per_second\": %.6g, "
      "\"agent_steps_per_second_per_thread\": %.6g, \"peak_rss_mib\": %.1f}\n",
      static_cast<long long>(agents), static_cast<long long>(parameters.width),
      static_cast<long long>(parameters.height), static_cast<long long>(steps), threads, best, runs.c_str(),
      agent_steps / best, agent_steps / best / static_cast<double>(threads),
      static_cast<double>(usage.ru_maxrss) / 1024.0);
  return 0;
}
