// Common random numbers: two scenarios run with the same seed draw the same numbers for the same
// agent, step and purpose (sim/core/philox_stream.hpp), so the difference between them in replicate r
// is mostly the effect of the change, not noise. Shown here on the reference model: the
// variance of paired differences (same seed) is far below that of unpaired ones (other seed).
#include <doctest/doctest.h>

#include <vector>

#include "models/boltzmann/boltzmann.hpp"
#include "sim/run/thread_limit.hpp"

using models::boltzmann::BoltzmannModel;
using models::boltzmann::Parameters;

namespace {

double gini_after(const Parameters& parameters, std::uint64_t seed, std::uint64_t replicate,
                  std::int64_t steps) {
  BoltzmannModel model(parameters, sim::ReplicateContext{seed, replicate, false});
  for (std::int64_t step = 1; step <= steps; ++step) model.step(step);
  std::vector<double> values(model.metrics().size());
  model.measure(values);
  return values[0];
}

double variance(const std::vector<double>& x) {
  double mean = 0.0;
  for (const double v : x) mean += v / static_cast<double>(x.size());
  double sum = 0.0;
  for (const double v : x) sum += (v - mean) * (v - mean);
  return sum / static_cast<double>(x.size() - 1);
}

}  // namespace

TEST_CASE("paired differences under common random numbers vary far less than unpaired ones") {
  sim::ThreadLimit limit(2);
  // A "policy" that admits 5% more agents: the first 400 move and draw exactly as in the baseline.
  const Parameters baseline{400, 20, 20};
  const Parameters policy{420, 20, 20};
  constexpr std::int64_t kSteps = 10;
  constexpr std::uint64_t kReplicates = 24;
  std::vector<double> paired;
  std::vector<double> unpaired;
  for (std::uint64_t r = 0; r < kReplicates; ++r) {
    const double base = gini_after(baseline, 42, r, kSteps);
    paired.push_back(gini_after(policy, 42, r, kSteps) - base);      // same streams
    unpaired.push_back(gini_after(policy, 4242, r, kSteps) - base);  // independent streams
  }
  const double paired_variance = variance(paired);
  const double unpaired_variance = variance(unpaired);
  MESSAGE("variance of paired differences " << paired_variance << ", unpaired " << unpaired_variance);
  CHECK(paired_variance < 0.5 * unpaired_variance);
}

TEST_CASE("the same seed, replicate and parameters draw the same numbers in a fresh model") {
  const Parameters parameters{300, 10, 10};
  CHECK(gini_after(parameters, 7, 3, 5) == gini_after(parameters, 7, 3, 5));
  CHECK(gini_after(parameters, 7, 3, 5) != gini_after(parameters, 7, 4, 5));
}
