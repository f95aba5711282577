#pragma once
// The rows a model hands to the engine: metric definitions, and the columns of panel and event
// tables in long format. Populations and models build them; sim/output/ writes them to HDF5.
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace sim {

struct MetricInfo {
  std::string name;
  std::string unit;
  std::string description;
  // As TableColumn::labels, for a metric whose values are codes; written as the `labels` attribute.
  std::vector<std::string> labels{};
};

// One column of a panel or event table. Values line up with the rows' ids.
struct TableColumn {
  using Values = std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::int32_t>,
                              std::vector<std::uint8_t>, std::vector<std::int16_t>, std::vector<std::int8_t>>;
  std::string name;
  std::string unit;
  std::string description;
  Values values;
  // False for values deflate cannot shrink (random draws such as latent qualities): they are stored
  // as they are, which saves the writer's time (deflating them costs as much as a compressible
  // column of the same size, for about a tenth off).
  bool compressible = true;
  // What each code means when the values are codes (regions, fields, kinds, tiers): labels[c] names
  // code c ("" for a code that is not used). Written as the dataset's `labels` attribute, so a file
  // explains its own codes; empty for values that are not codes.
  std::vector<std::string> labels{};
};

// Whether T is an element type of TableColumn::Values (what a population field may be written as).
template <class T, class Values = TableColumn::Values>
inline constexpr bool is_table_element_v = false;
template <class T, class... Vectors>
inline constexpr bool is_table_element_v<T, std::variant<Vectors...>> =
    (std::is_same_v<std::vector<T>, Vectors> || ...);

// Rows to append to a long-format table: every row gets `replicate` and `step`; `ids[i]` and
// each column's i-th value describe row i.
struct TableRows {
  std::int64_t replicate = 0;
  std::int64_t step = 0;
  std::vector<std::uint64_t> ids;
  std::vector<TableColumn> columns;
};

}  // namespace sim
