#pragma once
// Compares two innosim output files dataset by dataset: shape, element type, units and every value
// bit for bit (float64 compared as bits, so NaN equals NaN and -0 differs from 0). What
// `innosim reproduce` reports, and what tests use to show two runs are the same.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sim {

struct DatasetComparison {
  enum class Status { identical, different, only_in_first, only_in_second };
  std::string path;  // "/metrics/gini"
  Status status = Status::identical;
  std::string shape;   // "2 x 101"
  std::string detail;  // for different: how many values and the first one
};

struct OutputComparison {
  std::vector<DatasetComparison> datasets;  // in path order
  [[nodiscard]] bool identical() const;
  [[nodiscard]] std::size_t differing() const;
};

// Every dataset below the root of both files, except under the `excluded` groups ("/manifest").
// Throws OutputError when either file cannot be read.
// `first_name` and `second_name` say which file is which in the details ("the file", "the re-run").
OutputComparison compare_outputs(const std::filesystem::path& first, const std::filesystem::path& second,
                                 const std::vector<std::string>& excluded = {"/manifest"},
                                 const std::string& first_name = "the first file",
                                 const std::string& second_name = "the second file");

// One line per dataset: "identical  /metrics/gini [2 x 101]" or "DIFFERENT  /metrics/gini [2 x 101]: ...".
// With `differences_only`, the identical ones are left out and at most `max_lines` differing ones
// are listed, then "  ... and 12 more differing datasets": a screenful, whatever the file holds.
std::string format_comparison(const OutputComparison& comparison, const std::string& first_name,
                              const std::string& second_name, bool differences_only = false,
                              std::size_t max_lines = SIZE_MAX);

}  // namespace sim
