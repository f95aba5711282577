#pragma once
// A sweep file: which scenario to vary, which parameters over which ranges, by what design, with
// how many replicates per point. Validated like a scenario: every problem at once, each with its
// file:line:column, what was expected, what was found and a did-you-mean.
//
//   scenario: ../boltzmann.yaml        # base scenario, relative to the sweep file
//   design: sobol                      # grid | lhs | sobol | morris | simplex | list
//   seed: 7                            # seeds the design only; every point runs the scenario's seed
//   points: 8                          # lhs: points; sobol: base samples N (a power of two);
//                                      # morris: trajectories; not used by grid
//   levels: 4                          # grid: values per range; morris: grid levels (even);
//                                      # simplex: values of each share, 0, 1/(levels-1), ..., 1
//   replicates: 2                      # per point (default: the scenario's)
//   set: {steps: 50}                   # fixed overrides for every point, as --set
//   parameters:                        # by YAML path, as in --set
//     boltzmann.width: {min: 5, max: 20}
//     boltzmann.agents: {values: [100, 200, 400]}   # grid only
//   # simplex: each share as {} (real parameters whose range holds 0..1), at least two
//   # list: each parameter as {} (its schema range) or {min, max}, and the rows under `points`:
//   #   points: [[0.5, 0.5], [1.0, 0.0]]   # one value per parameter, in the parameters' order
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/sweep/sweep_design.hpp"

namespace sim {

// Largest `points` and `levels` a sweep file (and `innosim design`) accepts.
inline constexpr std::int64_t kMaximumSweepPoints = 1'000'000;
inline constexpr std::int64_t kMaximumSweepLevels = 1'000;

struct SweepParameter {
  std::string path;  // "boltzmann.width"
  ParamType type = ParamType::real;
  // A range (min, max) or a list of values; lists only in a grid.
  double minimum = 0.0;
  double maximum = 0.0;
  std::vector<double> values;
  std::int64_t levels = 0;  // grid: this range's own number of values; 0: the sweep's `levels`
  std::optional<std::array<double, 2>> range;  // list: the {min, max} given, which its values respect
  SourceLocation where;                        // of the parameter's key
};

struct SweepSpec {
  std::filesystem::path file;      // the sweep file as given
  std::string text;                // its contents, stored in the sweep manifest
  std::filesystem::path scenario;  // base scenario, resolved against the sweep file's folder
  DesignMethod method = DesignMethod::grid;
  std::uint64_t seed = 0;
  std::int64_t points = 0;
  std::int64_t levels = 0;
  std::int64_t replicates = 0;         // 0: the scenario's own
  std::vector<std::string> overrides;  // from `set:`, "a.b=value"
  std::vector<SweepParameter> parameters;
  std::vector<std::vector<double>> rows;  // design `list`: the listed points, one value per parameter
  Config base;                            // the base scenario with `set:` and `replicates` applied
};

// Reads and validates a sweep file, and loads its base scenario (whose own errors are reported
// with the scenario's locations). Throws InputError listing every problem.
SweepSpec load_sweep_spec(const std::filesystem::path& file, const std::vector<ModelDefinition>& models);

}  // namespace sim
