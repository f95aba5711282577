#pragma once
// Helpers shared by the ecosystem model's tests: tiny scenarios built in the test, runs that check
// the ledger after every step, metric sums over steps.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
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

// The tiny economy `scale` times over (agents and pilot slots), for effects too small to see on it.
inline std::string scaled_scenario(const std::string& extra, int scale, int steps = 24) {
  const auto n = [scale](int count) { return std::to_string(count * scale); };
  return "model: ecosystem\nseed: 11\nsteps: " + std::to_string(steps) +
         "\necosystem:\n  universities: " + n(10) + "\n  institutes: " + n(8) + "\n  lead_firms: " + n(8) +
         "\n  smes: " + n(400) +
         "\n  regions:\n    north: {weight: 1, pilot_platforms: 1, pilot_slots: " + n(20) +
         "}\n    south: {weight: 1, pilot_platforms: 1, pilot_slots: " + n(20) + "}\n" + extra;
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

// Every policy instrument's account balance, by the account's owner ("policy <name>").
inline std::map<std::string, models::ecosystem::Fen> policy_balances(
    const models::ecosystem::EcosystemModel& model) {
  std::map<std::string, models::ecosystem::Fen> balances;
  const sim::Ledger& ledger = model.ledger();
  for (sim::AccountId a = 0; a < ledger.account_count(); ++a) {
    const std::string& owner = ledger.account(a).owner;
    if (owner.rfind("policy ", 0) == 0) balances[owner] = ledger.balance(a);
  }
  return balances;
}

// The balance of the instrument named `name`; fails the test when it has no account.
inline models::ecosystem::Fen policy_balance(const models::ecosystem::EcosystemModel& model,
                                             const std::string& name) {
  const auto balances = policy_balances(model);
  const auto found = balances.find("policy " + name);
  if (found == balances.end()) FAIL("no account for policy " << name);
  return found == balances.end() ? 0 : found->second;
}

// Runs every step, checking the ledger (to the fen) and the model's invariants after each; returns
// the sum over steps of every metric.
struct RunSums {
  std::map<std::string, double> sum;
  std::map<std::string, double> last;
};
inline RunSums run(const std::string& yaml, std::uint64_t seed = 11, std::uint64_t replicate = 0) {
  const sim::Config config = load(yaml);
  auto model = create(config, seed, replicate);
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

// ---- Paired (common-random-numbers) effect checks --------------------------------------------
//
// An effect is checked over R replicates, not one run: base and variant run with the same seed and
// replicate (create(config, seed, replicate): the same random streams), the per-replicate
// difference variant - base of a metric is taken, and the 95% interval mean +- t(R-1) sd / sqrt(R)
// must exclude zero in the expected direction. INNOSIM_TEST_SEEDS=N repeats the check for seeds
// 11 .. 11+N-1 (each with its own R replicates); every seed's interval must hold. Every check
// prints one line "paired-effect: <label> | seed <s> | mean <m> | 95% [<lo>, <hi>] | holds|fails"
// to stdout when INNOSIM_TEST_SEEDS is set (scripts/test_multiseed.sh counts them), and on failure.

enum class Direction { increase, decrease };

struct PairedInterval {
  std::uint64_t seed = 0;
  std::vector<double> differences;  // variant - base, per replicate
  double mean = 0, sd = 0, lo = 0, hi = 0;
};

// Two-sided 95% Student t quantile for `df` degrees of freedom.
inline double t95(std::size_t df) {
  static const double table[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201, 2.179,  2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080,
                                 2.074, 2.069,  2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  return df < std::size(table) ? table[df] : 1.96;
}

inline PairedInterval interval_of(std::uint64_t seed, std::vector<double> differences) {
  PairedInterval r;
  r.seed = seed;
  r.differences = std::move(differences);
  const auto n = static_cast<double>(r.differences.size());
  for (double d : r.differences) r.mean += d / n;
  double ss = 0;
  for (double d : r.differences) ss += (d - r.mean) * (d - r.mean);
  r.sd = r.differences.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
  const double half = t95(r.differences.size() - 1) * r.sd / std::sqrt(n);
  r.lo = r.mean - half;
  r.hi = r.mean + half;
  return r;
}

// The seeds a paired check runs over: 11, or 11 .. 11+N-1 with INNOSIM_TEST_SEEDS=N.
inline std::vector<std::uint64_t> test_seeds() {
  std::uint64_t n = 1;
  if (const char* env = std::getenv("INNOSIM_TEST_SEEDS"); env != nullptr && std::atoi(env) > 0)
    n = static_cast<std::uint64_t>(std::atoi(env));
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t s = 0; s < n; ++s) seeds.push_back(11 + s);
  return seeds;
}
inline bool multiseed_mode() { return std::getenv("INNOSIM_TEST_SEEDS") != nullptr; }

using Metric = std::function<double(const RunSums&)>;
// The sum over steps of a metric, or its last value.
inline Metric sum_of(const std::string& name) {
  return [name](const RunSums& r) { return r.sum.at(name); };
}
inline Metric last_of(const std::string& name) {
  return [name](const RunSums& r) { return r.last.at(name); };
}

// The per-replicate differences variant - base of `metric` for one seed.
inline PairedInterval paired_interval(const std::string& base_yaml, const std::string& variant_yaml,
                                      const Metric& metric, std::uint64_t seed, int replicates) {
  std::vector<double> differences;
  for (int r = 0; r < replicates; ++r) {
    const auto replicate = static_cast<std::uint64_t>(r);
    differences.push_back(metric(run(variant_yaml, seed, replicate)) -
                          metric(run(base_yaml, seed, replicate)));
  }
  return interval_of(seed, std::move(differences));
}

inline bool holds(const PairedInterval& i, Direction direction) {
  return direction == Direction::increase ? i.lo > 0 : i.hi < 0;
}

inline std::string describe(const std::string& label, const PairedInterval& i, Direction direction) {
  std::string d;
  for (double x : i.differences) d += (d.empty() ? "" : " ") + std::to_string(x);
  return "paired-effect: " + label + " | seed " + std::to_string(i.seed) + " | mean " +
         std::to_string(i.mean) + " | 95% [" + std::to_string(i.lo) + ", " + std::to_string(i.hi) + "] | " +
         (holds(i, direction) ? "holds" : "fails") + " | expected " +
         (direction == Direction::increase ? "increase" : "decrease") + " | differences " + d;
}

// CHECKs, for each test seed, that the 95% interval of variant - base excludes zero in `direction`.
// Returns the intervals (one per seed).
inline std::vector<PairedInterval> check_paired_effect(const std::string& label, const std::string& base_yaml,
                                                       const std::string& variant_yaml, const Metric& metric,
                                                       Direction direction, int replicates = 8) {
  std::vector<PairedInterval> intervals;
  for (std::uint64_t seed : test_seeds()) {
    const PairedInterval i = paired_interval(base_yaml, variant_yaml, metric, seed, replicates);
    const std::string line = describe(label, i, direction);
    if (multiseed_mode()) MESSAGE(line);
    CHECK_MESSAGE(holds(i, direction), line);
    intervals.push_back(i);
  }
  return intervals;
}

}  // namespace ecosystem_test
