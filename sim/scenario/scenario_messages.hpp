#pragma once
// Messages about scenario keys that more than one stage writes (reading files, --set overrides,
// validation), kept in one place so their wording is the same wherever a problem is found.
#include <string>
#include <vector>

#include "sim/scenario/scenario_source.hpp"

namespace sim::scenario_messages {

// "the scenario root" for the root, else "'output'", "'toy.regions.north'".
std::string object_label(const std::string& object_path);

// "unknown key 'agnts' in 'boltzmann'; did you mean 'agents'?", or with "; expected one of: ..."
// (sorted) when no candidate is close.
std::string unknown_key(const std::string& key, const std::string& object_path,
                        std::vector<std::string> candidates);

// What was found, for "..., got X": a number as written (-5, .nan), other text quoted ('ten'),
// else "a list", "a mapping" or "an empty value".
std::string found(const scenario_source::SourceNode& value);
std::string found_text(const std::string& scalar);

}  // namespace sim::scenario_messages
