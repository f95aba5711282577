#include "models/ecosystem/scenario_names.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace models::ecosystem {

int index_of_name(const std::vector<std::string>& names, const std::string& name, const std::string& what,
                  const std::string& path, const sim::SourceLocation& where,
                  std::vector<sim::InputProblem>& problems) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  problems.push_back(
      {where, fmt::format("'{}' names {} '{}', which the scenario does not define (defined: {}){}", path,
                          what, name, fmt::join(names, ", "), sim::did_you_mean(name, names))});
  return -1;
}

std::vector<NamedPair> read_named_pairs(const sim::Config& config, const std::string& list,
                                        const char* first_key, const char* second_key, const char* value_key,
                                        const std::vector<std::string>& names, const std::string& what,
                                        PairOrder order, std::vector<sim::InputProblem>& problems) {
  std::vector<NamedPair> pairs;
  const YAML::Node entries = config.node(list);
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const auto path = [&](const char* key) { return fmt::format("{}[{}].{}", list, k, key); };
    const sim::SourceLocation where = config.location(fmt::format("{}.{}.{}", list, k, first_key));
    NamedPair pair{.entry = k};
    pair.first =
        index_of_name(names, entries[k][first_key].as<std::string>(), what, path(first_key), where, problems);
    pair.second = index_of_name(names, entries[k][second_key].as<std::string>(), what, path(second_key),
                                config.location(fmt::format("{}.{}.{}", list, k, second_key)), problems);
    pair.value = entries[k][value_key].as<double>();
    if (pair.first < 0 || pair.second < 0) continue;
    if (order == PairOrder::unordered && pair.first == pair.second) {
      problems.push_back({where, fmt::format("'{}[{}]' gives {} '{}' a {} to itself, which is always 1: "
                                             "remove the entry",
                                             list, k, what, names[pair.first], value_key)});
      continue;
    }
    const auto same = [&](const NamedPair& before) {
      return (before.first == pair.first && before.second == pair.second) ||
             (order == PairOrder::unordered && before.first == pair.second && before.second == pair.first);
    };
    if (std::any_of(pairs.begin(), pairs.end(), same)) {
      problems.push_back({where, fmt::format("'{}[{}]' repeats the pair {} and {}: give each pair once", list,
                                             k, names[pair.first], names[pair.second])});
    }
    pairs.push_back(pair);
  }
  return pairs;
}

}  // namespace models::ecosystem
