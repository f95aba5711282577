#pragma once
// `innosim inspect`: a human-readable description of an output file.
#include <filesystem>
#include <string>

namespace sim {

// The manifest, every metric with unit, shape, and first/last replicate means, every table with
// its row count. Throws OutputError with a clear message for a missing, truncated or non-innosim
// file.
std::string describe_output(const std::filesystem::path& path);

}  // namespace sim
