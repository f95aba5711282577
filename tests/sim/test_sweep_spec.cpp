// Sweep files: what a valid one gives, and every user-facing message (exact text, line, column).
// Also the plan built from a sweep: point scenarios, integer rounding, identity.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <cmath>

#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace {

namespace fs = std::filesystem;

// A model with an integer and a real parameter; create() is never called here.
std::vector<sim::ModelDefinition> toy_models() {
  sim::ModelDefinition toy;
  toy.name = "toy";
  toy.summary = "a model for sweep tests";
  toy.declare_parameters = [](sim::ObjectSpec& section) {
    section.integer("agents", "agents", "Number of agents").default_value(std::int64_t{100}).between(1, 1000);
    section.real("rate", "1/step", "Rate of something").default_value(0.5).between(0, 1);
    section.boolean("verbose", "Print more").default_value(false);
  };
  return {toy};
}

// The toy model and one whose three shares can form a funding mix.
std::vector<sim::ModelDefinition> mix_models() {
  sim::ModelDefinition mixer;
  mixer.name = "mixer";
  mixer.summary = "a model for simplex sweeps";
  mixer.declare_parameters = [](sim::ObjectSpec& section) {
    for (const char* name : {"a", "b", "c"})
      section.real(name, "1", "A share of the mix").default_value(0.0).between(0, 1);
    section.real("wide", "1", "A share allowed beyond 0..1").default_value(0.0).between(-5, 5);
    section.real("small", "1", "A real that cannot reach 1").default_value(0.0).between(0, 0.5);
    section.integer("count", "agents", "An integer").default_value(std::int64_t{1}).between(0, 10);
  };
  std::vector<sim::ModelDefinition> models = toy_models();
  models.push_back(mixer);
  return models;
}

// A folder with toy.yaml and the given sweep file; removed at the end of the test.
struct SweepFolder {
  fs::path dir;
  explicit SweepFolder(const std::string& sweep_text) {
    dir = fs::temp_directory_path() /
          ("innosim-sweep-spec-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(dir);
    std::ofstream(dir / "toy.yaml") << "model: toy\nseed: 3\nreplicates: 2\nsteps: 5\n";
    std::ofstream(dir / "mixer.yaml") << "model: mixer\nseed: 3\nreplicates: 1\nsteps: 2\n";
    std::ofstream(dir / "sweep.yaml") << sweep_text;
  }
  ~SweepFolder() { fs::remove_all(dir); }
  static int& counter() {
    static int value = 0;
    return value;
  }
  [[nodiscard]] fs::path file() const { return dir / "sweep.yaml"; }
};

// The error message with the folder's path replaced by "DIR".
std::string error_of(const std::string& sweep_text,
                     const std::vector<sim::ModelDefinition>& models = toy_models()) {
  const SweepFolder folder(sweep_text);
  try {
    static_cast<void>(sim::load_sweep_spec(folder.file(), models));
  } catch (const sim::InputError& error) {
    std::string text = error.what();
    const std::string prefix = folder.dir.string() + "/";
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix))
      text.erase(at, prefix.size());
    return text;
  }
  return "no error";
}

}  // namespace

TEST_CASE("a valid sweep file gives its design, parameters and the base scenario with set: applied") {
  const SweepFolder folder(
      "scenario: toy.yaml\ndesign: lhs\nseed: 4\npoints: 6\nreplicates: 3\nset: {steps: 7}\n"
      "parameters:\n  toy.agents: {min: 10, max: 20}\n  toy.rate: {min: 0.1, max: 0.9}\n");
  const sim::SweepSpec spec = sim::load_sweep_spec(folder.file(), toy_models());
  CHECK(spec.method == sim::DesignMethod::lhs);
  CHECK(spec.points == 6);
  REQUIRE(spec.parameters.size() == 2);
  CHECK(spec.parameters[0].path == "toy.agents");
  CHECK(spec.parameters[1].maximum == 0.9);
  CHECK(spec.base.integer("steps") == 7);
  CHECK(spec.base.integer("replicates") == 3);
}

TEST_CASE("a sweep plan gives each point a resolved scenario, integers rounded, same seed everywhere") {
  const SweepFolder folder(
      "scenario: toy.yaml\ndesign: lhs\nseed: 4\npoints: 6\n"
      "parameters:\n  toy.agents: {min: 10, max: 20}\n  toy.rate: {min: 0.1, max: 0.9}\n");
  const sim::SweepPlan plan = sim::plan_sweep(folder.file(), toy_models());
  REQUIRE(plan.point_count() == 6);
  for (std::size_t i = 0; i < 6; ++i) {
    const sim::Config config = sim::point_config(plan, i, toy_models());
    CHECK(config.integer("toy.agents") == static_cast<std::int64_t>(plan.design.at(i, 0)));
    CHECK(config.real("toy.rate") == plan.design.at(i, 1));
    CHECK(config.integer("seed") == 3);
    CHECK(plan.design.at(i, 0) == std::round(plan.design.at(i, 0)));
  }
  CHECK(sim::plan_sweep(folder.file(), toy_models()).sha256 == plan.sha256);
  CHECK(sim::point_file_name(17) == fs::path("points/point-000017.h5"));
}

TEST_CASE("an unknown parameter path is reported where it is written, with a suggestion") {
  CHECK(
      error_of("scenario: toy.yaml\ndesign: lhs\npoints: 4\nparameters:\n  toy.agnts: {min: 1, max: 5}\n") ==
      "sweep.yaml:5:3: unknown parameter 'toy.agnts' in model 'toy'; did you mean 'toy.agents'?");
}

TEST_CASE("unknown keys and designs get did-you-mean, every problem at once") {
  CHECK(error_of("scenario: toy.yaml\ndesing: lhs\ndesign: sobl\npoints: 4\n"
                 "parameters:\n  toy.rate: {min: 0, max: 1}\n") ==
        "sweep.yaml:2:1: unknown key 'desing' in the sweep file; did you mean 'design'?\n"
        "sweep.yaml:3:9: 'design' must be one of grid, lhs, sobol, morris, simplex, list, got 'sobl'; did "
        "you mean "
        "'sobol'?");
}

TEST_CASE("ranges must lie within the parameter's declared range and be increasing") {
  CHECK(error_of("scenario: toy.yaml\ndesign: lhs\npoints: 4\nparameters:\n  toy.rate: {min: 0.5, max: 1.5}\n"
                 "  toy.agents: {min: 50, max: 20}\n") ==
        "sweep.yaml:5:29: 'max' of 'toy.rate' must be within the parameter's range 0 to 1, got 1.5\n"
        "sweep.yaml:6:30: 'max' of 'toy.agents' must be greater than 'min' (50), got 20");
}

TEST_CASE("design-specific requirements are explained") {
  CHECK(
      error_of("scenario: toy.yaml\ndesign: sobol\npoints: 6\nparameters:\n  toy.rate: {min: 0, max: 1}\n") ==
      "sweep.yaml:3:9: design 'sobol' needs 'points' (base samples N, a power of two ≥ 2; the sweep runs "
      "N*(d+2) points), got 6; use 8");
  CHECK(error_of(
            "scenario: toy.yaml\ndesign: lhs\npoints: 4\nparameters:\n  toy.rate: {values: [0.1, 0.2]}\n") ==
        "sweep.yaml:5:22: 'toy.rate' lists values, which only a grid design can use; give a range "
        "{min: .., max: ..} for design 'lhs'");
  CHECK(error_of("scenario: toy.yaml\ndesign: grid\nparameters:\n  toy.verbose: {values: [0, 1]}\n") ==
        "sweep.yaml:4:3: 'toy.verbose' is a boolean parameter; sweeps vary integer and real parameters");
  CHECK(error_of("scenario: missing.yaml\ndesign: grid\nparameters:\n  toy.rate: {values: [0.1]}\n") ==
        "sweep.yaml:1:11: scenario file 'missing.yaml' does not exist (paths are relative to the sweep "
        "file's folder)");
}

TEST_CASE("a simplex sweep runs every mix of its shares on the lattice and each point's shares sum to 1") {
  const SweepFolder folder(
      "scenario: mixer.yaml\ndesign: simplex\nlevels: 4\n"
      "parameters:\n  mixer.a: {}\n  mixer.b: {}\n  mixer.c: {}\n");
  const sim::SweepPlan plan = sim::plan_sweep(folder.file(), mix_models());
  REQUIRE(plan.point_count() == 10);  // C(3 + 3 - 1, 3 - 1): shares in thirds
  for (std::size_t i = 0; i < plan.point_count(); ++i) {
    const sim::Config config = sim::point_config(plan, i, mix_models());
    const double a = config.real("mixer.a");
    const double b = config.real("mixer.b");
    const double c = config.real("mixer.c");
    CHECK(a == plan.design.at(i, 0));  // the share is run as designed, not rescaled
    CHECK(std::abs(a + b + c - 1.0) < 1e-12);
    CHECK(std::abs(3 * b - std::round(3 * b)) < 1e-12);
  }
  CHECK(plan.bounds[1] == std::array<double, 2>{0.0, 1.0});
}

TEST_CASE("simplex sweep files are checked: shares as {} on real parameters reaching 0..1 and levels given") {
  const auto error = [](const std::string& parameters, const std::string& top = "levels: 3\n") {
    return error_of("scenario: mixer.yaml\ndesign: simplex\n" + top + "parameters:\n" + parameters,
                    mix_models());
  };
  CHECK(error("  mixer.a: {min: 0, max: 1}\n  mixer.b: {}\n") ==
        "sweep.yaml:5:13: 'mixer.a' is a share of a simplex design (0 to 1, all shares of a point summing "
        "to 1); give it as {}, without min, max, values or levels");
  CHECK(error("  mixer.count: {}\n  mixer.small: {}\n  mixer.wide: {}\n") ==
        "sweep.yaml:5:3: 'mixer.count' cannot be a share of a simplex design: shares are real parameters "
        "that take any value from 0 to 1, and it is integer 0 to 10\n"
        "sweep.yaml:6:3: 'mixer.small' cannot be a share of a simplex design: shares are real parameters "
        "that take any value from 0 to 1, and it is real 0 to 0.5");
  CHECK(error("  mixer.a: {}\n") ==
        "sweep.yaml:5:3: design 'simplex' needs at least 2 shares in 'parameters', got 1");
  CHECK(error("  mixer.a: {}\n  mixer.b: {}\n", "") ==
        "sweep.yaml:1:1: design 'simplex' needs 'levels': the values each share takes, 0, 1/(levels-1), "
        "..., 1");
}

TEST_CASE("a list sweep runs exactly the listed rows in order and its identity covers them") {
  const std::string head =
      "scenario: mixer.yaml\ndesign: list\nparameters:\n  mixer.a: {}\n  mixer.count: {}\n";
  const SweepFolder folder(head + "points:\n  - [0.25, 3]\n  - [1, 0]\n  - [0.25, 3]\n");
  const sim::SweepPlan plan = sim::plan_sweep(folder.file(), mix_models());
  REQUIRE(plan.point_count() == 3);
  CHECK(sim::point_config(plan, 0, mix_models()).real("mixer.a") == 0.25);
  CHECK(sim::point_config(plan, 0, mix_models()).integer("mixer.count") == 3);
  CHECK(sim::point_config(plan, 1, mix_models()).real("mixer.a") == 1.0);
  CHECK(plan.point_sha256[2] == plan.point_sha256[0]);        // a repeated row is the same scenario
  CHECK(plan.bounds[0] == std::array<double, 2>{0.25, 1.0});  // {}: the listed values' own range
  CHECK(plan.spec.points == 3);
  // One more row at the end: the first points keep their scenarios, the sweep is another one.
  const SweepFolder longer(head + "points:\n  - [0.25, 3]\n  - [1, 0]\n  - [0.25, 3]\n  - [0.5, 1]\n");
  const sim::SweepPlan extended = sim::plan_sweep(longer.file(), mix_models());
  CHECK(extended.point_sha256[1] == plan.point_sha256[1]);
  CHECK(extended.sha256 != plan.sha256);
  const SweepFolder ranged(
      "scenario: mixer.yaml\ndesign: list\nparameters:\n  mixer.wide: {min: -2, max: 2}\npoints: [[0.5], "
      "[1]]\n");
  CHECK(sim::plan_sweep(ranged.file(), mix_models()).bounds[0] == std::array<double, 2>{-2.0, 2.0});
}

TEST_CASE("list sweep files are checked: rows of the parameters' length with values in range") {
  const auto error = [](const std::string& rest) {
    return error_of("scenario: mixer.yaml\ndesign: list\nparameters:\n  mixer.a: {}\n  mixer.b: {}\n" + rest,
                    mix_models());
  };
  CHECK(error("points:\n  - [0.5, 0.5]\n  - [1]\n  - [0.5, 0.5, 0]\n") ==
        "sweep.yaml:8:5: point 1 must list 2 values, one per parameter in the order of 'parameters', got a "
        "list of 1 value\n"
        "sweep.yaml:9:5: point 2 must list 2 values, one per parameter in the order of 'parameters', got a "
        "list of 3 values");
  CHECK(error("points:\n  - [0.5, 1.5]\n  - [x, 0]\n") ==
        "sweep.yaml:7:11: point 0 of 'mixer.b' must be within the parameter's range 0 to 1, got 1.5\n"
        "sweep.yaml:8:6: point 1 of 'mixer.a' must be a finite number, got 'x'");
  CHECK(
      error("points: []\n") ==
      "sweep.yaml:6:9: design 'list' needs 'points': a non-empty list of rows, each one value per parameter "
      "in the order of 'parameters' (e.g. [[0.5, 0.5], [1, 0]]), got an empty list");
  CHECK(
      error("") ==
      "sweep.yaml:1:1: design 'list' needs 'points': a non-empty list of rows, each one value per parameter "
      "in the order of 'parameters' (e.g. [[0.5, 0.5], [1, 0]]), got nothing");
  CHECK(error_of("scenario: mixer.yaml\ndesign: list\nparameters:\n  mixer.wide: {min: -1, max: 1}\n"
                 "  mixer.count: {values: [1, 2]}\n  seed: {}\npoints: [[2, 1, 1]]\n",
                 mix_models()) ==
        "sweep.yaml:5:17: 'mixer.count' of design 'list' takes {} or a range {min: .., max: ..}; its values "
        "are the rows under 'points', not 'values'\n"
        "sweep.yaml:6:3: 'seed' cannot be swept: every point runs the same seed (set it with 'set:' or "
        "'seed:' in the sweep file)");
  CHECK(error_of("scenario: mixer.yaml\ndesign: list\nparameters:\n  mixer.wide: {min: -1, max: 1}\n"
                 "points: [[2]]\n",
                 mix_models()) ==
        "sweep.yaml:5:11: point 0 of 'mixer.wide' must be within its range -1 to 1 in 'parameters', got 2");
  CHECK(error_of("scenario: mixer.yaml\ndesign: list\nparameters:\n  mixer.wide: {min: -1}\n"
                 "  mixer.a: {min: 0.5, max: 0.5}\npoints: [[0, 0.5]]\n",
                 mix_models()) ==
        "sweep.yaml:4:15: 'mixer.wide' needs both 'min' and 'max', or {} for the parameter's own range\n"
        "sweep.yaml:5:28: 'max' of 'mixer.a' must be greater than 'min' (0.5), got 0.5");
}
