#include "sim/sweep/sweep_plan.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/output/sha256.hpp"
#include "sim/scenario/schema_format.hpp"

namespace sim {

namespace {

// The sweep's design points in [0, 1)^d (or, for a grid, the values themselves).
DesignMatrix design_points(const SweepSpec& spec) {
  const std::size_t d = spec.parameters.size();
  const auto points = static_cast<std::size_t>(spec.points);
  switch (spec.method) {
    case DesignMethod::grid: {
      std::vector<std::vector<double>> values;
      for (const SweepParameter& p : spec.parameters) {
        if (!p.values.empty()) {
          values.push_back(p.values);
          continue;
        }
        const std::int64_t levels = p.levels > 0 ? p.levels : spec.levels;
        std::vector<double> range;
        for (std::int64_t k = 0; k < levels; ++k) {
          range.push_back(p.minimum +
                          (p.maximum - p.minimum) * static_cast<double>(k) / static_cast<double>(levels - 1));
        }
        values.push_back(std::move(range));
      }
      return grid_design(values);
    }
    case DesignMethod::lhs:
      return latin_hypercube_design(points, d, spec.seed);
    case DesignMethod::sobol:
      return saltelli_design(points, d, spec.seed);
    case DesignMethod::morris:
      return morris_design(points, d, static_cast<int>(spec.levels), spec.seed);
    case DesignMethod::simplex:
      return simplex_lattice_design(d, spec.levels);
    case DesignMethod::list: {
      DesignMatrix design(spec.rows.size(), d);
      for (std::size_t row = 0; row < spec.rows.size(); ++row)
        for (std::size_t k = 0; k < d; ++k) design.at(row, k) = spec.rows[row][k];
      return design;
    }
  }
  return {};
}

// The value as an override reads it back exactly ("0.30000000000000004", "17").
std::string override_text(double value, ParamType type) {
  if (type == ParamType::integer) return std::to_string(static_cast<std::int64_t>(value));
  return schema_format::format_number(value);
}

}  // namespace

std::filesystem::path point_file_name(std::size_t point) {
  return std::filesystem::path("points") / fmt::format("point-{:06d}.h5", point);
}

SweepPlan plan_sweep(const std::filesystem::path& sweep_file, const std::vector<ModelDefinition>& models) {
  SweepPlan plan;
  plan.spec = load_sweep_spec(sweep_file, models);
  const SweepSpec& spec = plan.spec;
  plan.design = design_points(spec);
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const SweepParameter& p = spec.parameters[k];
    plan.names.push_back(p.path);
    if (p.values.empty()) {
      plan.bounds.push_back({p.minimum, p.maximum});
    } else {
      const auto [low, high] = std::minmax_element(p.values.begin(), p.values.end());
      plan.bounds.push_back({*low, *high});
    }
    // Scale the unit cube onto the ranges; integer parameters take the nearest integer.
    for (std::size_t row = 0; row < plan.design.rows; ++row) {
      double& x = plan.design.at(row, k);
      // Simplex shares (which must keep their sum) and listed rows are values already.
      const bool in_unit_cube = spec.method == DesignMethod::lhs || spec.method == DesignMethod::sobol ||
                                spec.method == DesignMethod::morris;
      if (in_unit_cube) x = p.minimum + x * (p.maximum - p.minimum);
      if (p.type == ParamType::integer) x = std::round(x);
    }
  }
  const Schema schema = build_schema(models);
  const std::string base_yaml = spec.base.to_yaml();
  std::string identity = fmt::format("design {}\n", design_method_name(spec.method));
  for (std::size_t row = 0; row < plan.design.rows; ++row) {
    std::vector<std::string> overrides;
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      overrides.push_back(spec.parameters[k].path + "=" +
                          override_text(plan.design.at(row, k), spec.parameters[k].type));
    }
    const Config config = load_scenario_text(base_yaml, fmt::format("{} point {}", sweep_file.string(), row),
                                             schema, overrides);
    plan.point_scenarios.push_back(config.to_yaml());
    plan.point_sha256.push_back(sha256_hex(plan.point_scenarios.back()));
    identity += plan.point_sha256.back() + "\n";
  }
  for (const auto& name : plan.names) identity += "parameter " + name + "\n";
  plan.sha256 = sha256_hex(identity);
  return plan;
}

std::string format_sweep_plan(const SweepPlan& plan, std::size_t max_rows) {
  const SweepSpec& spec = plan.spec;
  std::string text = fmt::format(
      "{}: {} design, seed {}, {} points x {} replicates of {} (model {}, scenario seed {}); sweep {}\n",
      spec.file.string(), design_method_name(spec.method), spec.seed, plan.point_count(),
      spec.base.integer("replicates"), spec.scenario.string(), spec.base.text("model"),
      spec.base.integer("seed"), plan.sha256.substr(0, 12));
  text += fmt::format("{:>7}", "point");
  for (const auto& name : plan.names) text += fmt::format("  {:>18}", name);
  text += "\n";
  for (std::size_t row = 0; row < plan.point_count() && row < max_rows; ++row) {
    text += fmt::format("{:>7}", row);
    for (std::size_t k = 0; k < plan.names.size(); ++k)
      text += fmt::format("  {:>18.6g}", plan.design.at(row, k));
    text += "\n";
  }
  if (plan.point_count() > max_rows)
    text += fmt::format("... {} more points\n", plan.point_count() - max_rows);
  return text;
}

Config point_config(const SweepPlan& plan, std::size_t point, const std::vector<ModelDefinition>& models) {
  return load_scenario_text(plan.point_scenarios.at(point),
                            fmt::format("{} point {}", plan.spec.file.string(), point), build_schema(models));
}

}  // namespace sim
