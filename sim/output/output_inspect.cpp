#include "sim/output/output_inspect.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

#include "sim/output/hdf5/attribute.hpp"
#include "sim/output/hdf5/dataset.hpp"
#include "sim/output/hdf5/datatype.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/group.hpp"
#include "sim/output/hdf5/handle.hpp"
#include "sim/output/hdf5/library.hpp"
#include "sim/output/output_layout.hpp"

namespace sim {

namespace {

using output_layout::kRowKeyColumns;
using output_layout::manifest_fields;
using output_layout::open_innosim_output;
using output_layout::quoted;

// `innosim inspect` shows this much of the scenario; the rest is a command away.
constexpr std::size_t kScenarioLinesShown = 40;

std::string indented_lines(const std::string& text, const std::string& indent, std::size_t max_lines,
                           std::size_t& lines_left_out) {
  std::string shown;
  std::size_t line_count = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    if (line_count < max_lines) shown += indent + text.substr(start, end - start) + "\n";
    ++line_count;
    start = end + 1;
  }
  lines_left_out = line_count > max_lines ? line_count - max_lines : 0;
  return shown;
}

std::string describe_manifest(const std::filesystem::path& path, hid_t file) {
  if (!hdf5::path_exists(file, "manifest")) return "manifest: none written\n";
  const hdf5::Handle manifest = hdf5::open_object(file, "manifest");
  std::vector<std::string> names;
  for (const auto& [name, value] : manifest_fields(Manifest{})) names.push_back(name);
  // Attributes written by another innosim version are shown after the known ones.
  for (const auto& name : hdf5::attribute_names(manifest.get())) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string text = "manifest\n";
  for (const auto& name : names) {
    if (!hdf5::has_attribute(manifest.get(), name)) continue;
    const std::string value = hdf5::read_attribute_as_text(manifest.get(), name);
    if (name != "scenario_yaml") {
      text += fmt::format("  {:<16} {}\n", name, value);
      continue;
    }
    std::size_t left_out = 0;
    text += "  scenario_yaml:\n" + indented_lines(value, "    ", kScenarioLinesShown, left_out);
    if (left_out > 0) {
      text += fmt::format("    ... {} more lines (h5dump -a /manifest/scenario_yaml {} shows them all)\n",
                          left_out, quoted(path));
    }
  }
  return text;
}

std::string mean_at_step(hid_t dataset, hsize_t replicates, hsize_t step) {
  std::vector<double> values(replicates);
  hdf5::read_block(dataset, H5T_NATIVE_DOUBLE, {0, step}, {replicates, 1}, values.data());
  double sum = 0.0;
  for (const double value : values) sum += value;
  return fmt::format("{:.6g}", sum / static_cast<double>(replicates));
}

std::string describe_metric(hid_t metrics, const std::string& name) {
  const hdf5::Handle dataset = hdf5::open_object(metrics, name);
  const std::vector<hsize_t> shape = hdf5::dataset_shape(dataset.get());
  const std::string unit =
      hdf5::has_attribute(dataset.get(), "unit") ? hdf5::read_attribute_as_text(dataset.get(), "unit") : "";
  std::string text = fmt::format("  {} [{}]: shape {}", name, unit, fmt::join(shape, " x "));
  if (shape.size() == 2 && shape[0] > 0 && shape[1] > 0) {
    const hsize_t last = shape[1] - 1;
    text += fmt::format("; mean over replicates: step 0 = {}, step {} = {}",
                        mean_at_step(dataset.get(), shape[0], 0), last,
                        mean_at_step(dataset.get(), shape[0], last));
  }
  return text + "\n";
}

std::string describe_metrics(hid_t file) {
  if (!hdf5::path_exists(file, "metrics")) return "metrics: none\n";
  const hdf5::Handle metrics = hdf5::open_object(file, "metrics");
  const std::vector<std::string> names = hdf5::child_names(metrics.get());
  std::string text = fmt::format("metrics ({})\n", names.size());
  for (const auto& name : names) text += describe_metric(metrics.get(), name);
  return text;
}

std::string describe_table(hid_t group, const std::string& path) {
  std::vector<std::string> names(kRowKeyColumns.begin(), kRowKeyColumns.end());
  for (const auto& name : hdf5::child_names(group)) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  std::string columns;
  hsize_t rows = 0;
  for (const auto& name : names) {
    if (!hdf5::path_exists(group, name)) continue;
    const hdf5::Handle dataset = hdf5::open_object(group, name);
    if (H5Iget_type(dataset.get()) != H5I_DATASET) continue;
    if (name == "id") rows = hdf5::dataset_shape(dataset.get()).at(0);
    const hdf5::Handle type = hdf5::dataset_type(dataset.get());
    std::string column = name + " (" + hdf5::type_name(type.get());
    if (hdf5::has_attribute(dataset.get(), "unit")) {
      const std::string unit = hdf5::read_attribute_as_text(dataset.get(), "unit");
      if (!unit.empty()) column += ", " + unit;
    }
    columns += (columns.empty() ? "" : ", ") + column + ")";
  }
  return fmt::format("  {}: {} rows; columns {}\n", path, rows, columns);
}

std::string describe_tables(hid_t file) {
  std::string text;
  for (const std::string& root : {std::string("agents"), std::string("events")}) {
    if (!hdf5::path_exists(file, root)) continue;
    const hdf5::Handle kinds = hdf5::open_object(file, root);
    for (const auto& kind : hdf5::child_names(kinds.get())) {
      const hdf5::Handle group = hdf5::open_object(kinds.get(), kind);
      if (H5Iget_type(group.get()) == H5I_GROUP) text += describe_table(group.get(), root + "/" + kind);
    }
  }
  return text.empty() ? "tables: none\n" : "tables\n" + text;
}

}  // namespace

std::string describe_output(const std::filesystem::path& path) {
  hdf5::skip_library_teardown_at_exit();
  const hdf5::QuietErrorStack quiet;
  try {
    const hdf5::Handle file = open_innosim_output(path);
    const hdf5::Handle root = hdf5::open_object(file.get(), "/");
    const std::int64_t version = hdf5::read_int64_attribute(root.get(), "format_version");
    return fmt::format("innosim output {} (format version {})\n\n", quoted(path), version) +
           describe_manifest(path, file.get()) + "\n" + describe_metrics(file.get()) + "\n" +
           describe_tables(file.get());
  } catch (const hdf5::Error& error) {
    throw OutputError(fmt::format("cannot read {}: {}", quoted(path), error.what()));
  }
}

}  // namespace sim
