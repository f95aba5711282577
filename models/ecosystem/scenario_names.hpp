#pragma once
// Names a scenario defines (its regions, its fields) looked up where other sections refer to them.
#include <string>
#include <vector>

#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario.hpp"

namespace models::ecosystem {

// The index of `name` among `names` (the scenario's regions or fields: `what`), or -1 with an input
// problem at `where` that lists the names defined and suggests the nearest.
int index_of_name(const std::vector<std::string>& names, const std::string& name, const std::string& what,
                  const std::string& path, const sim::SourceLocation& where,
                  std::vector<sim::InputProblem>& problems);

// One entry of a list of named pairs (field links, region links): the two names resolved to indices
// (-1 when a name is unknown), its value and its position in the list.
struct NamedPair {
  int first = -1, second = -1;
  double value = 0;
  std::size_t entry = 0;
};

// Whether (a, b) and (b, a) are the same pair: a symmetric proximity, not a supplier -> buyer flow.
enum class PairOrder { ordered, unordered };

// The entries of the list at `list` (each with `first_key`, `second_key` naming two of `names`, the
// scenario's `what`s, and the number `value_key`): a name not defined, a pair given twice (in either
// order when unordered) and, when unordered, a pair of a name with itself (always 1) are input problems
// at the entry's file:line:column. Entries with an unknown name or naming one thing twice are left out.
std::vector<NamedPair> read_named_pairs(const sim::Config& config, const std::string& list,
                                        const char* first_key, const char* second_key, const char* value_key,
                                        const std::vector<std::string>& names, const std::string& what,
                                        PairOrder order, std::vector<sim::InputProblem>& problems);

}  // namespace models::ecosystem
