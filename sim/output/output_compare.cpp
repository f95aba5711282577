#include "sim/output/output_compare.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "sim/output/hdf5/attribute.hpp"
#include "sim/output/hdf5/dataset.hpp"
#include "sim/output/hdf5/datatype.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/file.hpp"
#include "sim/output/hdf5/group.hpp"
#include "sim/output/hdf5/handle.hpp"
#include "sim/output/hdf5/library.hpp"
#include "sim/output/output_file.hpp"

namespace sim {

namespace {

using hdf5::Handle;

// Paths of every dataset below `group`, skipping excluded groups.
void collect_datasets(hid_t file, const std::string& group_path, const std::vector<std::string>& excluded,
                      std::vector<std::string>& out) {
  const Handle group = hdf5::open_object(file, group_path);
  for (const std::string& name : hdf5::child_names(group.get())) {
    const std::string path = (group_path == "/" ? "/" : group_path + "/") + name;
    if (std::find(excluded.begin(), excluded.end(), path) != excluded.end()) continue;
    H5O_info_t info{};
    if (H5Oget_info_by_name2(file, path.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) continue;
    if (info.type == H5O_TYPE_GROUP) collect_datasets(file, path, excluded, out);
    if (info.type == H5O_TYPE_DATASET) out.push_back(path);
  }
}

Handle open_for_compare(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    throw OutputError(fmt::format("cannot open '{}': no such file", path.string()));
  try {
    if (!hdf5::has_hdf5_signature(path)) throw hdf5::Error("no HDF5 signature");
    return hdf5::open_file_read_only(path);
  } catch (const hdf5::Error&) {
    throw OutputError(fmt::format("'{}' is not a readable HDF5 file (truncated or not HDF5)", path.string()));
  }
}

std::map<std::string, std::string> attribute_texts(hid_t dataset) {
  std::map<std::string, std::string> texts;
  for (const auto& name : hdf5::attribute_names(dataset))
    texts[name] = hdf5::read_attribute_as_text(dataset, name);
  return texts;
}

// Names of the attributes that differ ("unit, labels"), or "" when they agree. Code labels present
// in one file only are no difference: files written before innosim wrote labels have none, and
// the labels explain values without changing them.
std::string differing_attributes(hid_t first, hid_t second) {
  auto a = attribute_texts(first);
  auto b = attribute_texts(second);
  if (a.contains("labels") != b.contains("labels")) {
    a.erase("labels");
    b.erase("labels");
  }
  std::set<std::string> names;
  for (const auto& [name, text] : a) names.insert(name);
  for (const auto& [name, text] : b) names.insert(name);
  std::string differing;
  for (const auto& name : names) {
    if (a.contains(name) && b.contains(name) && a[name] == b[name]) continue;
    differing += (differing.empty() ? "" : ", ") + name;
  }
  return differing;
}

std::string index_text(std::size_t flat, const std::vector<hsize_t>& shape) {
  std::vector<std::size_t> index(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    index[k] = flat % shape[k];
    flat /= shape[k];
  }
  return fmt::format("[{}]", fmt::join(index, ", "));
}

DatasetComparison compare_dataset(hid_t first_file, hid_t second_file, const std::string& path,
                                  const std::string& first_name, const std::string& second_name) {
  DatasetComparison result;
  result.path = path;
  const Handle a = hdf5::open_object(first_file, path);
  const Handle b = hdf5::open_object(second_file, path);
  const auto shape_a = hdf5::dataset_shape(a.get());
  const auto shape_b = hdf5::dataset_shape(b.get());
  result.shape = fmt::format("{}", fmt::join(shape_a, " x "));
  const auto different = [&](std::string detail) {
    result.status = DatasetComparison::Status::different;
    result.detail = std::move(detail);
    return result;
  };
  if (shape_a != shape_b) {
    return different(fmt::format("shape {} in {}, {} in {}", fmt::join(shape_a, " x "), first_name,
                                 fmt::join(shape_b, " x "), second_name));
  }
  const Handle type_a = hdf5::dataset_type(a.get());
  const Handle type_b = hdf5::dataset_type(b.get());
  if (hdf5::type_name(type_a.get()) != hdf5::type_name(type_b.get())) {
    return different(fmt::format("type {} in {}, {} in {}", hdf5::type_name(type_a.get()), first_name,
                                 hdf5::type_name(type_b.get()), second_name));
  }
  if (const std::string names = differing_attributes(a.get(), b.get()); !names.empty()) {
    return different("attributes differ: " + names);
  }
  const std::vector<double> values_a = hdf5::read_all_as_double(a.get());
  const std::vector<double> values_b = hdf5::read_all_as_double(b.get());
  std::size_t count = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < values_a.size(); ++i) {
    if (std::memcmp(&values_a[i], &values_b[i], sizeof(double)) != 0) {
      if (count == 0) first = i;
      ++count;
    }
  }
  if (count == 0) return result;
  return different(fmt::format("{} of {} values differ; first at {}: {:.17g} in {}, {:.17g} in {}", count,
                               values_a.size(), index_text(first, shape_a), values_a[first], first_name,
                               values_b[first], second_name));
}

}  // namespace

bool OutputComparison::identical() const { return differing() == 0; }

std::size_t OutputComparison::differing() const {
  return static_cast<std::size_t>(std::count_if(datasets.begin(), datasets.end(), [](const auto& d) {
    return d.status != DatasetComparison::Status::identical;
  }));
}

OutputComparison compare_outputs(const std::filesystem::path& first, const std::filesystem::path& second,
                                 const std::vector<std::string>& excluded, const std::string& first_name,
                                 const std::string& second_name) {
  hdf5::skip_library_teardown_at_exit();
  const hdf5::QuietErrorStack quiet;
  const Handle a = open_for_compare(first);
  const Handle b = open_for_compare(second);
  try {
    std::vector<std::string> paths_a;
    std::vector<std::string> paths_b;
    collect_datasets(a.get(), "/", excluded, paths_a);
    collect_datasets(b.get(), "/", excluded, paths_b);
    std::map<std::string, int> where;  // 1: first only, 2: second only, 3: both
    for (const auto& path : paths_a) where[path] |= 1;
    for (const auto& path : paths_b) where[path] |= 2;
    OutputComparison comparison;
    for (const auto& [path, in] : where) {
      if (in == 3) {
        comparison.datasets.push_back(compare_dataset(a.get(), b.get(), path, first_name, second_name));
        continue;
      }
      DatasetComparison missing;
      missing.path = path;
      missing.status =
          in == 1 ? DatasetComparison::Status::only_in_first : DatasetComparison::Status::only_in_second;
      comparison.datasets.push_back(std::move(missing));
    }
    return comparison;
  } catch (const hdf5::Error& error) {
    throw OutputError(
        fmt::format("cannot compare '{}' with '{}': {}", first.string(), second.string(), error.what()));
  }
}

std::string format_comparison(const OutputComparison& comparison, const std::string& first_name,
                              const std::string& second_name, bool differences_only, std::size_t max_lines) {
  std::string text;
  std::size_t listed = 0;
  for (const auto& dataset : comparison.datasets) {
    if (differences_only && dataset.status == DatasetComparison::Status::identical) continue;
    if (listed++ == max_lines) {
      const std::size_t rest =
          (differences_only ? comparison.differing() : comparison.datasets.size()) - max_lines;
      text +=
          fmt::format("  ... and {} more {}\n", rest, differences_only ? "differing datasets" : "datasets");
      break;
    }
    switch (dataset.status) {
      case DatasetComparison::Status::identical:
        text += fmt::format("  identical  {} [{}]\n", dataset.path, dataset.shape);
        break;
      case DatasetComparison::Status::different:
        text += fmt::format("  DIFFERENT  {} [{}]: {}\n", dataset.path, dataset.shape, dataset.detail);
        break;
      case DatasetComparison::Status::only_in_first:
        text += fmt::format("  MISSING    {}: in {} only\n", dataset.path, first_name);
        break;
      case DatasetComparison::Status::only_in_second:
        text += fmt::format("  MISSING    {}: in {} only\n", dataset.path, second_name);
        break;
    }
  }
  return text;
}

}  // namespace sim
