#pragma once
// Scenario loading: YAML files (with `base:` inheritance and --set overrides) validated against
// the Schema into a Config that holds every parameter, defaults filled in.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/input_error.hpp"
#include "sim/scenario/schema.hpp"

namespace sim {

// A validated scenario. Values are looked up by dotted path ("boltzmann.agents",
// "output.snapshot_every"); asking for a path the schema does not declare, or with the wrong
// type, is a programming error (std::logic_error naming the path), not an input error.
class Config {
 public:
  Config() = default;
  // `locations`: where each scalar was written, by dotted path (see location()).
  Config(YAML::Node resolved, std::string source_description,
         std::map<std::string, SourceLocation> locations = {});
  // Copies are deep and assignment rebinds: yaml-cpp nodes share their tree, and assigning one
  // node to another would make every copy of the target see the source's values.
  Config(const Config& other);
  Config(Config&& other) noexcept = default;
  Config& operator=(const Config& other);
  Config& operator=(Config&& other) noexcept;
  ~Config() = default;

  [[nodiscard]] std::int64_t integer(const std::string& path) const;
  [[nodiscard]] double real(const std::string& path) const;
  [[nodiscard]] bool boolean(const std::string& path) const;
  [[nodiscard]] std::string text(const std::string& path) const;  // text and choice
  [[nodiscard]] YAML::Node node(const std::string& path) const;   // lists and maps of objects
  [[nodiscard]] bool has(const std::string& path) const;

  // Overrides a scalar after loading (the CLI's --seed, --replicates). The value must already
  // have been validated by the caller.
  void set(const std::string& path, const ScalarValue& value);

  // Fully resolved scenario as YAML text (defaults filled, base: merged, overrides applied, keys
  // in schema order): stored in the output manifest and enough to re-run.
  [[nodiscard]] std::string to_yaml() const;
  // The same with, before each element of a list of objects (each policy), a comment naming the
  // file and line that first gave it: `innosim check --resolved`.
  [[nodiscard]] std::string to_resolved_yaml() const;
  [[nodiscard]] const std::string& source_description() const { return source_; }
  // Where the value at `path` was written: file:line:column in the scenario or a base file, or
  // the --set option that gave it. For a default (or a Config built in code), the scenario file
  // without line and column, or an empty origin. Lets a check made after loading (a model's size
  // against the memory there is) point at the line to change.
  [[nodiscard]] SourceLocation location(const std::string& path) const;
  [[nodiscard]] const YAML::Node& root() const { return root_; }

 private:
  YAML::Node root_;
  std::string source_;  // "scenarios/boltzmann.yaml (+2 --set)"
  std::map<std::string, SourceLocation> locations_;
};

// Reads `file`, follows `base:` (a path relative to the file that names it; cycles are errors),
// deep-merges maps (the child wins; lists are replaced whole, except lists keyed by name, see
// ObjectSpec::keyed_by, merged element by element), applies `overrides` ("a.b=value",
// the value parsed as YAML), validates against `schema`, fills defaults. Throws InputError
// with every problem found: file:line:column, what was expected, what was found, did-you-mean.
Config load_scenario(const std::filesystem::path& file, const Schema& schema,
                     const std::vector<std::string>& overrides = {});

// Same, from text in memory (tests, fuzzers). `origin` names it in messages.
Config load_scenario_text(const std::string& yaml_text, const std::string& origin, const Schema& schema,
                          const std::vector<std::string>& overrides = {});

}  // namespace sim
