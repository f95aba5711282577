#pragma once
// A scenario as written, before validation: mappings, lists and scalars in which every key and
// value remembers the file, line and column it came from. `base:` files and --set overrides are
// merged into one such tree, so a problem found in the merged scenario is still reported where it
// was written. Private to scenario loading.
#include <filesystem>
#include <string>
#include <vector>

#include "sim/scenario/input_error.hpp"
#include "sim/scenario/schema.hpp"

namespace sim::scenario_source {

struct SourceEntry;

struct SourceNode {
  enum class Kind { null, scalar, sequence, mapping };
  Kind kind = Kind::null;
  std::string scalar;                // Kind::scalar: the text as written, quotes removed
  SourceLocation where;              // of the value; of its key when the value is empty
  std::vector<SourceNode> items;     // Kind::sequence
  std::vector<SourceEntry> entries;  // Kind::mapping, in file order, duplicates dropped (and reported)

  [[nodiscard]] const SourceEntry* find(const std::string& key) const;
};

struct SourceEntry {
  std::string key;
  SourceLocation key_where;
  SourceNode value;
};

// Everything read for one scenario.
struct ScenarioSource {
  SourceNode root;
  // Files in the order they were read, then each --set: problems are reported in this order, and
  // within one origin by line and column.
  std::vector<std::string> origins;
  std::vector<InputProblem> problems;
  // False when reading stopped early (YAML syntax error, missing or circular base): validating the
  // rest would report keys as missing that the unread part may well give.
  bool is_complete = true;
};

// With a schema, lists whose elements have an identity key (ObjectSpec::keyed_by) merge with the
// base file's list element by element; without one (a sweep file) every list is replaced whole.
ScenarioSource read_file(const std::filesystem::path& file, const Schema* schema = nullptr);
ScenarioSource read_text(const std::string& yaml_text, const std::string& origin,
                         const Schema* schema = nullptr);

// Merges each "a.b=value" into source.root; a path the schema does not declare is a problem. An
// element of a keyed list is addressed by its name in brackets: "eco.policies[risk pool].budget=1".
void apply_overrides(ScenarioSource& source, const std::vector<std::string>& overrides, const Schema& schema);

// The problems sorted by origin (see ScenarioSource::origins), then line, then column.
std::vector<InputProblem> in_reading_order(std::vector<InputProblem> problems,
                                           const std::vector<std::string>& origins);

// Splits a dotted parameter path ("a.b.c") into its parts; empty parts are kept.
std::vector<std::string> split_path(const std::string& path);

}  // namespace sim::scenario_source
