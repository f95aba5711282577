#include "design_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <vector>

#include "sim/output/atomic_text_file.hpp"
#include "sim/output/output_file.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/sweep/sobol_sequence.hpp"
#include "sim/sweep/sweep_design.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace innosim_app {

namespace {

// The sweep file's limits, so a design printed here can be swept.
constexpr std::int64_t kMaximumPoints = sim::kMaximumSweepPoints;
constexpr std::int64_t kMaximumLevels = sim::kMaximumSweepLevels;
constexpr std::int64_t kMaximumParameters = 1'000;
constexpr std::int64_t kDefaultLevels = 4;
// About 1 GB of CSV: a larger design is a mistake rather than a sweep anyone will run.
constexpr std::int64_t kMaximumValues = 50'000'000;

const std::vector<std::string> kMethods = {"lhs", "sobol", "morris", "simplex"};

[[noreturn]] void refuse(const std::string& option, const std::string& message) {
  throw sim::InputError({option, 0, 0}, message);
}

// A simplex lattice has no `points`: its size follows from the shares and levels.
void check_simplex(const DesignCommandOptions& options) {
  if (options.points != 0)
    refuse("--points", "a simplex design has C(levels + d - 2, d - 1) rows; give --levels, not --points");
  if (options.parameters < 2) {
    refuse("--parameters",
           fmt::format("design 'simplex' needs at least 2 shares, got {}", options.parameters));
  }
  if (options.levels < 2 || options.levels > kMaximumLevels) {
    refuse("--levels", fmt::format("design 'simplex' needs --levels from 2 to {} (each share takes 0, "
                                   "1/(levels-1), ..., 1), got {}",
                                   kMaximumLevels, options.levels));
  }
  const std::size_t rows = sim::simplex_lattice_size(
      static_cast<std::size_t>(options.parameters), options.levels, static_cast<std::size_t>(kMaximumPoints));
  if (rows == 0 || static_cast<std::int64_t>(rows) * options.parameters > kMaximumValues) {
    refuse("--levels", fmt::format("the design would have more than {} rows; use fewer levels or shares",
                                   kMaximumPoints));
  }
}

void check(const DesignCommandOptions& options) {
  if (options.method == "grid") {
    refuse("design",
           "a grid design is the listed values themselves, not a unit-cube design; "
           "see `innosim sweep SWEEP.yaml --plan` for a grid sweep's points");
  }
  if (std::find(kMethods.begin(), kMethods.end(), options.method) == kMethods.end()) {
    const std::string near = sim::nearest_name(options.method, kMethods);
    refuse("design",
           fmt::format("unknown design method '{}'; expected lhs, sobol, morris or simplex{}", options.method,
                       near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
  }
  const std::int64_t d = options.parameters;
  if (d < 1 || d > kMaximumParameters)
    refuse("--parameters", fmt::format("expected 1 to {} parameters, got {}", kMaximumParameters, d));
  if (options.method == "sobol" && 2 * static_cast<std::size_t>(d) > sim::SobolSequence::kMaxDimensions) {
    refuse("--parameters", fmt::format("design 'sobol' supports at most {} parameters, got {}",
                                       sim::SobolSequence::kMaxDimensions / 2, d));
  }
  if (options.method == "simplex") {
    check_simplex(options);
    return;
  }
  const std::int64_t n = options.points;
  if (n < 1 || n > kMaximumPoints) {
    const char* meaning = options.method == "lhs"     ? "design points"
                          : options.method == "sobol" ? "base samples N"
                                                      : "trajectories";
    refuse("--points", fmt::format("expected 1 to {} {}, got {}", kMaximumPoints, meaning, n));
  }
  if (options.method == "sobol" && (n < 2 || (n & (n - 1)) != 0)) {
    std::int64_t suggestion = 2;
    while (suggestion < n) suggestion *= 2;
    refuse("--points",
           fmt::format("design 'sobol' needs base samples N, a power of two >= 2 (the design has N*(d+2) "
                       "rows), got {}; use {}",
                       n, suggestion));
  }
  if (options.levels != 0 && options.method != "morris")
    refuse("--levels", fmt::format("applies to morris and simplex designs only, not '{}'", options.method));
  if (options.method == "morris" && options.levels != 0) {
    if (options.levels < 2 || options.levels > kMaximumLevels || options.levels % 2 != 0) {
      refuse("--levels",
             fmt::format("design 'morris' needs an even number of levels from 2 to {} (so every step "
                         "stays on the grid), got {}",
                         kMaximumLevels, options.levels));
    }
  }
  const std::int64_t rows = options.method == "sobol"    ? n * (d + 2)
                            : options.method == "morris" ? n * (d + 1)
                                                         : n;
  if (rows * d > kMaximumValues) {
    refuse("--points", fmt::format("the design would have {} rows of {} values, {} in all; at most {} (use "
                                   "fewer points or parameters)",
                                   rows, d, rows * d, kMaximumValues));
  }
}

sim::DesignMatrix make_design(const DesignCommandOptions& options) {
  const auto n = static_cast<std::size_t>(options.points);
  const auto d = static_cast<std::size_t>(options.parameters);
  if (options.method == "lhs") return sim::latin_hypercube_design(n, d, options.seed);
  if (options.method == "sobol") return sim::saltelli_design(n, d, options.seed);
  if (options.method == "simplex") return sim::simplex_lattice_design(d, options.levels);
  const auto levels = static_cast<int>(options.levels != 0 ? options.levels : kDefaultLevels);
  return sim::morris_design(n, d, levels, options.seed);
}

// Header x0,...,x{d-1}; every value with 17 significant digits, so it reads back bit for bit.
std::string to_csv(const sim::DesignMatrix& design) {
  fmt::memory_buffer text;
  for (std::size_t k = 0; k < design.columns; ++k)
    fmt::format_to(std::back_inserter(text), "{}x{}", k ? "," : "", k);
  text.push_back('\n');
  for (std::size_t row = 0; row < design.rows; ++row) {
    for (std::size_t k = 0; k < design.columns; ++k)
      fmt::format_to(std::back_inserter(text), "{}{:.17g}", k ? "," : "", design.at(row, k));
    text.push_back('\n');
  }
  return fmt::to_string(text);
}

}  // namespace

CLI::App* add_design_command(CLI::App& app, DesignCommandOptions& options) {
  auto* command = app.add_subcommand(
      "design",
      "Print a sweep design (lhs, sobol, morris) in the unit cube [0, 1]^d, or a simplex lattice of shares, "
      "as CSV: the rows `innosim sweep` runs, before scaling");
  command->add_option("method", options.method, "lhs, sobol (Saltelli layout), morris or simplex")
      ->required();
  command->add_option("--parameters", options.parameters, "Number of parameters d (columns)")->required();
  command->add_option("--points", options.points,
                      "lhs: design points; sobol: base samples N (a power of two); morris: trajectories r; "
                      "not for simplex");
  command->add_option("--levels", options.levels,
                      "morris: levels p of the grid, even (default 4); simplex: values of each share, "
                      "0, 1/(p-1), ..., 1 (required)");
  command->add_option("--seed", options.seed, "Seed of the design, as the sweep file's `seed` (default 0)");
  command->add_option("-o,--output", options.output,
                      "Write the CSV to FILE (atomically) instead of stdout; never replaced without --force");
  command->add_flag("--force", options.force, "Replace an existing -o FILE");
  command->footer(
      "The rows are exactly those `innosim sweep` runs for the same method, points, levels and seed,\n"
      "before it scales each column to its parameter's range.\n"
      "Output: a header x0,...,x{d-1}, then one row per design point, values with 17 significant digits\n"
      "(they read back bit for bit). Rows, in the order `innosim sweep` runs them as points 0, 1, ...:\n"
      "  lhs     N rows: each column cut into N equal strata, one point in each.\n"
      "  sobol   N blocks of d+2 rows, N*(d+2) in all; block j = A_j, AB_1j, ..., AB_dj, B_j, where A and B\n"
      "          are the two halves of a digitally shifted 2d-dimensional Sobol sequence and AB_i is A with\n"
      "          column i from B (the layout analysis.sensitivity.sobol_indices reads). d <= 20.\n"
      "  morris  r trajectories of d+1 rows, r*(d+1) in all, on the grid {0, 1/(p-1), ..., 1}: each row\n"
      "          moves one parameter by delta = p/(2(p-1)), each parameter once per trajectory.\n"
      "  simplex the {d, p-1} simplex lattice: every row of d shares that are multiples of 1/(p-1) and sum\n"
      "          to 1, C(p+d-2, d-1) rows, the first share varying slowest (funding mixes of a fixed "
      "total).\n"
      "A sweep scales column k to its range: min_k + x_k (max_k - min_k) (integers then rounded); a simplex\n"
      "design's shares are run as they are.\n\n"
      "Examples:\n"
      "  innosim design sobol --parameters 3 --points 1024 --seed 1 -o design.csv\n"
      "  innosim design morris --parameters 6 --points 20 --levels 4\n"
      "  innosim design simplex --parameters 3 --levels 5\n"
      "From Python: analysis.design.engine_design(method, bounds, points, seed, levels=4).\n"
      "Exit status: 0 success, 2 bad input (nothing written), 3 output problem.");
  return command;
}

int design_command(const DesignCommandOptions& options) {
  check(options);
  const std::string csv = to_csv(make_design(options));
  if (options.output.empty()) {
    std::cout << csv;
    std::cout.flush();
    if (!std::cout) throw sim::OutputError("could not write the design to stdout");
    return 0;
  }
  const std::filesystem::path path = options.output;
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    throw sim::OutputError(
        fmt::format("output '{}' is a directory; choose a file path with -o", path.string()));
  if (!options.force && std::filesystem::exists(path, error)) {
    throw sim::OutputError(
        fmt::format("output '{}' already exists; use --force to replace it, or choose another path with -o",
                    path.string()));
  }
  sim::write_text_file_atomically(path, csv);
  return 0;
}

}  // namespace innosim_app
