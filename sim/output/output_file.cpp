#include "sim/output/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "sim/output/hdf5/attribute.hpp"
#include "sim/output/hdf5/dataset.hpp"
#include "sim/output/hdf5/datatype.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/file.hpp"
#include "sim/output/hdf5/group.hpp"
#include "sim/output/hdf5/handle.hpp"
#include "sim/output/hdf5/library.hpp"
#include "sim/output/output_layout.hpp"

namespace sim {

namespace {

using output_layout::kFormatName;
using output_layout::kFormatVersion;
using output_layout::kRowKeyColumns;
using output_layout::manifest_fields;
using output_layout::ManifestValue;
using output_layout::open_readable;
using output_layout::quoted;

// One chunk holds up to 4096 steps of one replicate (32 KiB): write_metrics writes whole chunks,
// and reading one replicate's series touches few of them.
constexpr hsize_t kMetricChunkSteps = 4096;
// 64 Ki rows per table column chunk (512 KiB of float64 before compression): big enough for deflate
// to work well, small enough for HDF5's default 1 MiB chunk cache per dataset.
constexpr hsize_t kTableChunkRows = 65536;
// Element type names of TableColumn::Values, by variant index.
const std::array<std::string, 6> kColumnTypeNames = {"float64", "int64", "int32", "uint8", "int16", "int8"};
static_assert(std::tuple_size_v<decltype(kColumnTypeNames)> == std::variant_size_v<TableColumn::Values>,
              "one name per TableColumn::Values alternative");

std::string os_reason(int error_number) { return std::generic_category().message(error_number); }

// ---- validation of what the caller passes ------------------------------------------------------------

// Metric and column names become HDF5 link names, which cannot hold '/' or be "." or empty.
void require_link_name(const std::string& what, const std::string& name) {
  if (name.empty() || name == "." || name.find('/') != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("{} '{}' cannot name an HDF5 dataset (empty, '.' or containing '/')", what, name));
  }
}

void require_table_group(const std::string& group) {
  const auto slash = group.find('/');
  const bool has_known_root = slash != std::string::npos &&
                              (group.substr(0, slash) == "agents" || group.substr(0, slash) == "events");
  const std::string kind = slash == std::string::npos ? "" : group.substr(slash + 1);
  if (!has_known_root || kind.empty() || kind == "." || kind.find('/') != std::string::npos) {
    throw std::invalid_argument(
        fmt::format("table group '{}' must be 'agents/<kind>' or 'events/<kind>'", group));
  }
}

void require_consistent_rows(const std::string& group, const TableRows& rows) {
  std::set<std::string> names(kRowKeyColumns.begin(), kRowKeyColumns.end());
  for (const auto& column : rows.columns) {
    require_link_name(fmt::format("column of table '{}'", group), column.name);
    if (!names.insert(column.name).second) {
      throw std::invalid_argument(
          fmt::format("table '{}': column '{}' is given twice or is one of the "
                      "row key columns replicate, step, id",
                      group, column.name));
    }
    const std::size_t size = std::visit([](const auto& values) { return values.size(); }, column.values);
    if (size != rows.ids.size()) {
      throw std::invalid_argument(fmt::format("table '{}': column '{}' has {} values for {} ids", group,
                                              column.name, size, rows.ids.size()));
    }
  }
}

// ---- tables --------------------------------------------------------------------------------------------

struct TableColumnDataset {
  std::size_t type_index = 0;  // TableColumn::Values alternative
  hdf5::Handle dataset;
};

// An open long-format table. Its column set is fixed by the first append so that every column has
// one value per row.
struct Table {
  hdf5::Handle group;
  hdf5::Handle replicate;
  hdf5::Handle step;
  hdf5::Handle id;
  std::map<std::string, TableColumnDataset> columns;
};

std::string describe_columns(const std::map<std::string, std::size_t>& types) {
  std::string text;
  for (const auto& [name, type_index] : types) {
    if (!text.empty()) text += ", ";
    text += name + " (" + kColumnTypeNames.at(type_index) + ")";
  }
  return text.empty() ? "no columns" : text;
}

std::map<std::string, std::size_t> column_types(const TableRows& rows) {
  std::map<std::string, std::size_t> types;
  for (const auto& column : rows.columns) types[column.name] = column.values.index();
  return types;
}

std::map<std::string, std::size_t> column_types(const Table& table) {
  std::map<std::string, std::size_t> types;
  for (const auto& [name, column] : table.columns) types[name] = column.type_index;
  return types;
}

hdf5::Handle create_table_dataset(hid_t group, const std::string& name, hid_t file_type,
                                  bool compressible = true) {
  hdf5::ChunkedLayout layout;
  layout.dims = {0};
  layout.max_dims = {H5S_UNLIMITED};
  layout.chunk = {kTableChunkRows};
  if (!compressible) layout.deflate_level = 0;
  return hdf5::create_chunked_dataset(group, name, file_type, layout);
}

Table create_table(hid_t file, const std::string& group_path, const TableRows& rows) {
  Table table;
  table.group = hdf5::open_or_create_group(file, group_path);
  const hid_t group = table.group.get();
  table.replicate = create_table_dataset(group, "replicate", hdf5::TypeOf<std::int64_t>::file());
  table.step = create_table_dataset(group, "step", hdf5::TypeOf<std::int64_t>::file());
  table.id = create_table_dataset(group, "id", hdf5::TypeOf<std::uint64_t>::file());
  for (const auto& column : rows.columns) {
    const hid_t file_type = std::visit(
        [](const auto& values) {
          return hdf5::TypeOf<typename std::decay_t<decltype(values)>::value_type>::file();
        },
        column.values);
    hdf5::Handle dataset = create_table_dataset(group, column.name, file_type, column.compressible);
    hdf5::write_string_attribute(dataset.get(), "unit", column.unit);
    hdf5::write_string_attribute(dataset.get(), "description", column.description);
    if (!column.labels.empty()) hdf5::write_string_list_attribute(dataset.get(), "labels", column.labels);
    table.columns[column.name] = TableColumnDataset{column.values.index(), std::move(dataset)};
  }
  return table;
}

template <class T>
void append_values(const hdf5::Handle& dataset, const std::vector<T>& values) {
  hdf5::append_1d(dataset.get(), hdf5::TypeOf<T>::memory(), values.size(), values.data());
}

// ---- files on disk -------------------------------------------------------------------------------------

// Creates the output's folder when missing and proves the partial file can be created there, so a
// bad path is reported with the operating system's reason rather than HDF5's.
void prepare_partial_file(const std::filesystem::path& final_path, const std::filesystem::path& partial) {
  const std::filesystem::path directory = final_path.parent_path();
  std::error_code error;
  if (!directory.empty() && !std::filesystem::is_directory(directory, error)) {
    std::filesystem::create_directories(directory, error);
    if (error) {
      throw OutputError(fmt::format("cannot create directory {} for output {}: {}", quoted(directory),
                                    quoted(final_path), error.message()));
    }
  }
  // A partial file is the remains of a killed run: never valid, always safe to replace. Only an
  // existing one is removed: on a read-only file system unlink() fails with EROFS even when there is
  // nothing to remove, and the message would blame a stale file that is not there.
  std::error_code status_error;
  if (std::filesystem::symlink_status(partial, status_error).type() !=
      std::filesystem::file_type::not_found) {
    std::filesystem::remove(partial, error);
  }
  if (error) {
    throw OutputError(
        fmt::format("cannot remove the stale partial output {}: {}", quoted(partial), error.message()));
  }
  const int descriptor = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (descriptor < 0) {
    throw OutputError(fmt::format("cannot write output {} (creating {}): {}", quoted(final_path),
                                  quoted(partial), os_reason(errno)));
  }
  ::close(descriptor);
}

// Makes the file's contents (a regular file) or its entries (a directory) durable before the rename
// is relied upon; without it a crash can leave a renamed but empty file.
void sync_to_disk(const std::filesystem::path& path, int open_flags) {
  const int descriptor = ::open(path.c_str(), open_flags | O_CLOEXEC);
  if (descriptor < 0) {
    throw OutputError(fmt::format("cannot open {} to sync it: {}", quoted(path), os_reason(errno)));
  }
  if (::fsync(descriptor) != 0) {
    const int error_number = errno;
    ::close(descriptor);
    throw OutputError(fmt::format("cannot sync {} to disk: {}", quoted(path), os_reason(error_number)));
  }
  ::close(descriptor);
}

// A write past the file-size limit (ulimit -f) raises SIGXFSZ, whose default action kills the
// process before the partial file can be removed or a message printed. Ignored, the write fails
// with EFBIG ("File too large") and becomes an OutputError like a full disk. A handler someone
// else installed is left alone.
void report_file_size_limit_as_error() {
  struct sigaction current {};
  if (::sigaction(SIGXFSZ, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGXFSZ, &ignore, nullptr);
  }
}

// Runs `action` with HDF5's stderr printing off and turns its errors into OutputError naming the
// output, so a person sees which file failed and why (e.g. "No space left on device").
template <class Action>
void translate_write_errors(const std::filesystem::path& final_path, Action&& action) {
  const hdf5::QuietErrorStack quiet;
  try {
    action();
  } catch (const hdf5::Error& error) {
    throw OutputError(fmt::format("cannot write output {}: {}", quoted(final_path), error.what()));
  }
}

void close_checked(hdf5::Handle& handle, const std::string& what) {
  if (handle.close() < 0) {
    const std::string reason = hdf5::take_error_reason();
    throw hdf5::Error("closing " + what + " failed" + (reason.empty() ? "" : ": " + reason));
  }
}

// ---- reading -------------------------------------------------------------------------------------------

}  // namespace

// ---- OutputFile ----------------------------------------------------------------------------------------

struct OutputFile::Impl {
  hdf5::Handle file;
  std::vector<std::string> metric_names;
  std::vector<hdf5::Handle> metric_datasets;  // parallel to metric_names
  std::int64_t replicates = 0;
  std::int64_t steps = 0;
  bool has_metrics = false;
  std::map<std::string, Table> tables;  // by group path, "agents/firm"

  // Closes every object before the file, reporting the first failure: closing can be what writes
  // the last buffered chunks.
  void close_all() {
    for (auto& [path, table] : tables) {
      for (auto& [name, column] : table.columns) close_checked(column.dataset, path + "/" + name);
      close_checked(table.replicate, path + "/replicate");
      close_checked(table.step, path + "/step");
      close_checked(table.id, path + "/id");
      close_checked(table.group, path);
    }
    for (std::size_t m = 0; m < metric_datasets.size(); ++m) {
      close_checked(metric_datasets[m], "metrics/" + metric_names[m]);
    }
    close_checked(file, "the file");
  }

  // Closes everything, ignoring failures: the file is about to be deleted.
  void discard() noexcept {
    tables.clear();
    metric_datasets.clear();
    static_cast<void>(file.close());
  }
};

OutputFile::OutputFile(std::filesystem::path final_path, bool overwrite)
    : impl_(std::make_unique<Impl>()), final_path_(std::move(final_path)) {
  // Every HDF5 entry point of innosim starts with this, so that it is the process's first HDF5 call.
  hdf5::skip_library_teardown_at_exit();
  report_file_size_limit_as_error();
  std::error_code error;
  if (std::filesystem::is_directory(final_path_, error)) {
    throw OutputError(
        fmt::format("output {} is a directory; choose a file path with -o", quoted(final_path_)));
  }
  if (!overwrite && std::filesystem::exists(final_path_, error)) {
    throw OutputError(
        fmt::format("output {} already exists; use --force to replace it, or choose another path with -o",
                    quoted(final_path_)));
  }
  const std::filesystem::path partial = partial_path();
  prepare_partial_file(final_path_, partial);
  try {
    translate_write_errors(final_path_, [&] {
      impl_->file = hdf5::create_file(partial);
      const hdf5::Handle root = hdf5::open_object(impl_->file.get(), "/");
      hdf5::write_string_attribute(root.get(), "format", kFormatName);
      hdf5::write_int64_attribute(root.get(), "format_version", kFormatVersion);
    });
  } catch (...) {
    // The destructor does not run for a constructor that throws; clean up what it would have.
    const hdf5::QuietErrorStack quiet;
    impl_->discard();
    std::filesystem::remove(partial, error);
    throw;
  }
}

OutputFile::~OutputFile() {
  if (committed_) return;
  {
    const hdf5::QuietErrorStack quiet;  // close errors do not matter for a file being discarded
    impl_->discard();
  }
  std::error_code ignored;
  std::filesystem::remove(partial_path(), ignored);
}

std::filesystem::path OutputFile::partial_path() const {
  std::filesystem::path partial = final_path_;
  partial += ".partial";
  return partial;
}

void OutputFile::write_manifest(const Manifest& manifest) {
  if (committed_) throw std::logic_error("OutputFile::write_manifest called after commit()");
  translate_write_errors(final_path_, [&] {
    const hdf5::Handle group = hdf5::open_or_create_group(impl_->file.get(), "manifest");
    for (const auto& [name, value] : manifest_fields(manifest)) {
      if (const auto* text = std::get_if<std::string>(&value)) {
        hdf5::write_string_attribute(group.get(), name, *text);
      } else {
        hdf5::write_int64_attribute(group.get(), name, std::get<std::int64_t>(value));
      }
    }
  });
}

void OutputFile::define_metrics(const std::vector<MetricInfo>& metrics, std::int64_t replicates,
                                std::int64_t steps) {
  if (committed_) throw std::logic_error("OutputFile::define_metrics called after commit()");
  if (impl_->has_metrics) throw std::logic_error("OutputFile::define_metrics called twice");
  if (replicates < 1 || steps < 0) {
    throw std::invalid_argument(
        fmt::format("define_metrics needs replicates >= 1 and steps >= 0, got {} and {}", replicates, steps));
  }
  std::set<std::string> names;
  for (const auto& metric : metrics) {
    require_link_name("metric", metric.name);
    if (!names.insert(metric.name).second) {
      throw std::invalid_argument(fmt::format("metric '{}' is defined twice", metric.name));
    }
  }
  const auto rows = static_cast<hsize_t>(replicates);
  const auto columns = static_cast<hsize_t>(steps) + 1;
  const hdf5::ChunkedLayout layout{.dims = {rows, columns},
                                   .max_dims = {rows, columns},
                                   .chunk = {1, std::min(columns, kMetricChunkSteps)},
                                   .fill_value = std::numeric_limits<double>::quiet_NaN()};
  translate_write_errors(final_path_, [&] {
    const hdf5::Handle group = hdf5::open_or_create_group(impl_->file.get(), "metrics");
    for (const auto& metric : metrics) {
      hdf5::Handle dataset =
          hdf5::create_chunked_dataset(group.get(), metric.name, hdf5::TypeOf<double>::file(), layout);
      hdf5::write_string_attribute(dataset.get(), "unit", metric.unit);
      hdf5::write_string_attribute(dataset.get(), "description", metric.description);
      if (!metric.labels.empty()) hdf5::write_string_list_attribute(dataset.get(), "labels", metric.labels);
      impl_->metric_names.push_back(metric.name);
      impl_->metric_datasets.push_back(std::move(dataset));
    }
  });
  impl_->replicates = replicates;
  impl_->steps = steps;
  impl_->has_metrics = true;
}

void OutputFile::write_metrics(std::int64_t replicate, const std::vector<std::vector<double>>& values) {
  if (committed_) throw std::logic_error("OutputFile::write_metrics called after commit()");
  if (!impl_->has_metrics) throw std::logic_error("OutputFile::write_metrics called before define_metrics");
  if (replicate < 0 || replicate >= impl_->replicates) {
    throw std::invalid_argument(
        fmt::format("write_metrics: replicate {} is outside 0..{}", replicate, impl_->replicates - 1));
  }
  if (values.size() != impl_->metric_names.size()) {
    throw std::invalid_argument(fmt::format("write_metrics: got {} metric series for {} defined metrics",
                                            values.size(), impl_->metric_names.size()));
  }
  const auto columns = static_cast<hsize_t>(impl_->steps) + 1;
  for (std::size_t m = 0; m < values.size(); ++m) {
    if (values[m].size() != columns) {
      throw std::invalid_argument(
          fmt::format("write_metrics: metric '{}' has {} values, expected steps+1 = {}",
                      impl_->metric_names[m], values[m].size(), columns));
    }
  }
  translate_write_errors(final_path_, [&] {
    for (std::size_t m = 0; m < values.size(); ++m) {
      hdf5::write_block(impl_->metric_datasets[m].get(), hdf5::TypeOf<double>::memory(),
                        {static_cast<hsize_t>(replicate), 0}, {1, columns}, values[m].data());
    }
  });
}

void OutputFile::append_rows(const std::string& group, const TableRows& rows) {
  if (committed_) throw std::logic_error("OutputFile::append_rows called after commit()");
  require_table_group(group);
  require_consistent_rows(group, rows);
  auto existing = impl_->tables.find(group);
  if (existing != impl_->tables.end() && column_types(existing->second) != column_types(rows)) {
    throw std::logic_error(fmt::format("table '{}' was created with columns {}; this append has {}", group,
                                       describe_columns(column_types(existing->second)),
                                       describe_columns(column_types(rows))));
  }
  translate_write_errors(final_path_, [&] {
    if (existing == impl_->tables.end()) {
      existing = impl_->tables.emplace(group, create_table(impl_->file.get(), group, rows)).first;
    }
    Table& table = existing->second;
    append_values(table.replicate, std::vector<std::int64_t>(rows.ids.size(), rows.replicate));
    append_values(table.step, std::vector<std::int64_t>(rows.ids.size(), rows.step));
    append_values(table.id, rows.ids);
    for (const auto& column : rows.columns) {
      const hdf5::Handle& dataset = table.columns.at(column.name).dataset;
      std::visit([&](const auto& values) { append_values(dataset, values); }, column.values);
    }
  });
}

void OutputFile::commit() {
  if (committed_) throw std::logic_error("OutputFile::commit called twice");
  translate_write_errors(final_path_, [&] {
    hdf5::flush_file(impl_->file);
    impl_->close_all();
  });
  const std::filesystem::path partial = partial_path();
  sync_to_disk(partial, O_RDONLY);
  std::error_code error;
  std::filesystem::rename(partial, final_path_, error);
  if (error) {
    throw OutputError(fmt::format("cannot move the finished output {} onto {}: {}", quoted(partial),
                                  quoted(final_path_), error.message()));
  }
  committed_ = true;
  const std::filesystem::path directory = final_path_.parent_path();
  sync_to_disk(directory.empty() ? std::filesystem::path(".") : directory, O_RDONLY | O_DIRECTORY);
}

// ---- readers -------------------------------------------------------------------------------------------

DatasetValues read_dataset_as_double(const std::filesystem::path& file, const std::string& dataset_path) {
  hdf5::skip_library_teardown_at_exit();
  const hdf5::QuietErrorStack quiet;
  const hdf5::Handle handle = open_readable(file);
  try {
    const hdf5::Handle dataset = hdf5::open_object(handle.get(), dataset_path);
    if (H5Iget_type(dataset.get()) != H5I_DATASET) throw hdf5::Error("it is a group, not a dataset");
    DatasetValues result;
    for (const hsize_t extent : hdf5::dataset_shape(dataset.get())) result.shape.push_back(extent);
    result.values = hdf5::read_all_as_double(dataset.get());
    return result;
  } catch (const hdf5::Error& error) {
    throw OutputError(
        fmt::format("cannot read dataset '{}' from {}: {}", dataset_path, quoted(file), error.what()));
  }
}

std::string read_string_attribute(const std::filesystem::path& file, const std::string& object_path,
                                  const std::string& attribute) {
  hdf5::skip_library_teardown_at_exit();
  const hdf5::QuietErrorStack quiet;
  const hdf5::Handle handle = open_readable(file);
  try {
    const hdf5::Handle object = hdf5::open_object(handle.get(), object_path);
    return hdf5::read_string_attribute(object.get(), attribute);
  } catch (const hdf5::Error& error) {
    throw OutputError(fmt::format("cannot read attribute '{}' of '{}' from {}: {}", attribute, object_path,
                                  quoted(file), error.what()));
  }
}

}  // namespace sim
