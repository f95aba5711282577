#pragma once
// Helpers shared by the ecosystem model's tests: tiny scenarios built in the test, runs that check
// the ledger after every step, metric sums over steps.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/ecosystem/ecosystem.hpp"
#include "sim/model.hpp"
#include "sim/scenario/scenario.hpp"

namespace ecosystem_test {

inline const sim::Schema& schema() {
  static const sim::Schema s = sim::build_schema({models::ecosystem::definition()});
  return s;
}

// A small two-region, three-field economy; `extra` is appended under `ecosystem:` (policies ...).
inline std::string tiny_scenario(const std::string& extra, int steps = 24) {
  return "model: ecosystem\nseed: 11\nsteps: " + std::to_string(steps) +
         "\necosystem:\n  universities: 10\n  institutes: 8\n  lead_firms: 8\n  smes: 400\n"
         "  regions:\n    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20}\n" +
         extra;
}

inline sim::Config load(const std::string& yaml, const std::string& origin = "test.yaml") {
  return sim::load_scenario_text(yaml, origin, schema());
}

inline std::unique_ptr<models::ecosystem::EcosystemModel> create(const sim::Config& config,
                                                                 std::uint64_t seed = 11,
                                                                 std::uint64_t replicate = 0) {
  return std::make_unique<models::ecosystem::EcosystemModel>(models::ecosystem::read_parameters(config),
                                                             sim::ReplicateContext{seed, replicate, false});
}

// Runs every step, checking the ledger (to the fen) and the model's invariants after each; returns
// the sum over steps of every metric.
struct RunSums {
  std::map<std::string, double> sum;
  std::map<std::string, double> last;
};
inline RunSums run(const std::string& yaml, std::uint64_t seed = 11) {
  const sim::Config config = load(yaml);
  auto model = create(config, seed);
  const auto infos = model->metrics();
  std::vector<double> values(infos.size());
  RunSums sums;
  const auto steps = config.integer("steps");
  for (std::int64_t step = 1; step <= steps; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    model->measure(values);
    for (std::size_t m = 0; m < infos.size(); ++m) sums.sum[infos[m].name] += values[m];
  }
  for (std::size_t m = 0; m < infos.size(); ++m) sums.last[infos[m].name] = values[m];
  return sums;
}

}  // namespace ecosystem_test
