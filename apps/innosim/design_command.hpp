#pragma once
// `innosim design METHOD`: print a sweep design in the unit cube as CSV, the very rows
// `innosim sweep` runs before scaling them to the parameters' ranges (sim/sweep/sweep_design.hpp);
// a simplex design's rows are the shares themselves.
// The analysis package asks for its designs here (analysis/design.py) instead of building its own.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace innosim_app {

struct DesignCommandOptions {
  std::string method;           // lhs | sobol | morris | simplex
  std::int64_t parameters = 0;  // columns d
  std::int64_t points = 0;      // lhs: rows; sobol: base samples N; morris: trajectories r
  std::int64_t levels = 0;      // morris (0: not given, 4) and simplex (required)
  std::uint64_t seed = 0;
  std::string output;  // empty: stdout
  bool force = false;
};

// Adds the `design` subcommand to `app`, its values bound to `options`.
CLI::App* add_design_command(CLI::App& app, DesignCommandOptions& options);

// Prints (or writes) the design. Throws sim::InputError for bad values (nothing written) and
// sim::OutputError when -o names an existing file without --force or cannot be written.
int design_command(const DesignCommandOptions& options);

}  // namespace innosim_app
