#pragma once
// DIR/sweep.h5: the index of a sweep folder, read by the analysis package (analysis/sweep.py).
//
//   /                 attributes format = "innosim-sweep", format_version = 1
//   /design/X         float64 [points, parameters]: row i holds design point i's parameter values
//                     attributes names (strings: parameter paths), method ("grid", "lhs", "sobol",
//                     "morris", "simplex"), bounds (float64 [parameters, 2]: low, high), seed, points, levels
//   /points/<i>       external link to point i's run file (relative "points/point-000017.h5"),
//                     object "/"; <i> is the row index without padding
//   /manifest         attributes: sweep_file, sweep_yaml, sweep_sha256, base scenario, replicates,
//                     innosim_version, git_commit, build_type, command_line, created_utc, hostname
//
// Written to a private partial file and renamed onto DIR/sweep.h5 when complete, so a reader never
// sees half an index; written again (identically but for the manifest's times) on every resume.
#include <filesystem>
#include <string>

#include "sim/sweep/sweep_plan.hpp"

namespace sim {

inline constexpr const char* kSweepIndexFileName = "sweep.h5";

void write_sweep_index(const SweepPlan& plan, const std::filesystem::path& directory,
                       const std::string& command_line);

}  // namespace sim
