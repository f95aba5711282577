#pragma once
// A sweep made concrete: the design matrix in the parameters' own units, and for every design
// point the fully resolved scenario it runs. Built the same way by every process of a sweep
// (every MPI rank, every --shard), so they agree on what point i is without talking.
//
// Every point runs the base scenario's seed: points differ only in their parameters, and the
// random draws of agent k at step t are the same at every point (common random numbers across
// the design, which lowers the noise in differences between points).
#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/sweep/sweep_design.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace sim {

struct SweepPlan {
  SweepSpec spec;
  std::vector<std::string> names;             // parameter paths, the design's columns
  std::vector<std::array<double, 2>> bounds;  // [low, high] of each parameter
  DesignMatrix design;                        // values as run (integers rounded)
  std::vector<std::string> point_scenarios;   // resolved scenario YAML of each point
  std::vector<std::string> point_sha256;      // sha256 of each point's scenario YAML
  std::string sha256;                         // identity of the whole sweep (design + scenarios)

  [[nodiscard]] std::size_t point_count() const { return design.rows; }
};

// Loads the sweep file, generates its design and resolves every point's scenario.
SweepPlan plan_sweep(const std::filesystem::path& sweep_file, const std::vector<ModelDefinition>& models);

// The scenario of one point, validated against the schema (as `innosim run` would load it).
Config point_config(const SweepPlan& plan, std::size_t point, const std::vector<ModelDefinition>& models);

// The design as a table for a person (`innosim sweep --plan`): one row per point with its parameter
// values, at most `max_rows` rows (the rest counted).
std::string format_sweep_plan(const SweepPlan& plan, std::size_t max_rows = 50);

// "points/point-000017.h5": where point i's run file lives, relative to the sweep folder.
std::filesystem::path point_file_name(std::size_t point);

}  // namespace sim
