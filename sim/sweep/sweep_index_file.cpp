#include "sim/sweep/sweep_index_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <vector>

#include "sim/output/hdf5/attribute.hpp"
#include "sim/output/hdf5/datatype.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/file.hpp"
#include "sim/output/hdf5/group.hpp"
#include "sim/output/hdf5/handle.hpp"
#include "sim/output/hdf5/library.hpp"
#include "sim/output/output_file.hpp"
#include "sim/run/build_info.hpp"
#include "sim/run/runner.hpp"

namespace sim {

namespace {

using hdf5::Handle;

Handle simple_space(const std::vector<hsize_t>& dims) {
  return Handle::take(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                      "creating a dataspace");
}

void write_string_list_attribute(hid_t object, const std::string& name,
                                 const std::vector<std::string>& values) {
  const Handle type = hdf5::utf8_string_type();
  const Handle space = simple_space({values.size()});
  const Handle attribute =
      Handle::take(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   "creating attribute '" + name + "'");
  std::vector<const char*> texts;
  for (const auto& value : values) texts.push_back(value.c_str());
  hdf5::check(H5Awrite(attribute.get(), type.get(), texts.data()), "writing attribute '" + name + "'");
}

void write_double_array_attribute(hid_t object, const std::string& name, const std::vector<hsize_t>& dims,
                                  const std::vector<double>& values) {
  const Handle space = simple_space(dims);
  const Handle attribute =
      Handle::take(H5Acreate2(object, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   "creating attribute '" + name + "'");
  hdf5::check(H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, values.data()),
              "writing attribute '" + name + "'");
}

void write_design(hid_t file, const SweepPlan& plan) {
  const Handle group = hdf5::open_or_create_group(file, "design");
  const Handle space = simple_space({plan.design.rows, plan.design.columns});
  const Handle creation = Handle::take(H5Pcreate(H5P_DATASET_CREATE), "creating dataset properties");
  hdf5::check(H5Pset_obj_track_times(creation.get(), false), "turning off dataset times");
  const Handle dataset = Handle::take(
      H5Dcreate2(group.get(), "X", H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, creation.get(), H5P_DEFAULT),
      "creating /design/X");
  if (plan.design.rows > 0 && plan.design.columns > 0) {
    hdf5::check(
        H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, plan.design.values.data()),
        "writing /design/X");
  }
  write_string_list_attribute(dataset.get(), "names", plan.names);
  hdf5::write_string_attribute(dataset.get(), "method", design_method_name(plan.spec.method));
  std::vector<double> bounds;
  for (const auto& [low, high] : plan.bounds) {
    bounds.push_back(low);
    bounds.push_back(high);
  }
  write_double_array_attribute(dataset.get(), "bounds", {plan.bounds.size(), 2}, bounds);
  hdf5::write_int64_attribute(dataset.get(), "seed", static_cast<std::int64_t>(plan.spec.seed));
  hdf5::write_int64_attribute(dataset.get(), "points", plan.spec.points);
  hdf5::write_int64_attribute(dataset.get(), "levels", plan.spec.levels);
}

void write_point_links(hid_t file, const SweepPlan& plan) {
  const Handle group = hdf5::open_or_create_group(file, "points");
  for (std::size_t point = 0; point < plan.point_count(); ++point) {
    const std::string target = point_file_name(point).string();
    hdf5::check(H5Lcreate_external(target.c_str(), "/", group.get(), std::to_string(point).c_str(),
                                   H5P_DEFAULT, H5P_DEFAULT),
                "linking /points/" + std::to_string(point));
  }
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

void write_manifest(hid_t file, const SweepPlan& plan, const std::string& command_line) {
  const Handle group = hdf5::open_or_create_group(file, "manifest");
  const hid_t g = group.get();
  hdf5::write_string_attribute(g, "sweep_file", plan.spec.file.string());
  hdf5::write_string_attribute(g, "sweep_yaml", plan.spec.text);
  hdf5::write_string_attribute(g, "sweep_sha256", plan.sha256);
  hdf5::write_string_attribute(g, "scenario_file", plan.spec.scenario.string());
  hdf5::write_string_attribute(g, "base_scenario_yaml", plan.spec.base.to_yaml());
  hdf5::write_string_attribute(g, "model", plan.spec.base.text("model"));
  hdf5::write_string_attribute(g, "method", design_method_name(plan.spec.method));
  hdf5::write_int64_attribute(g, "points", static_cast<std::int64_t>(plan.point_count()));
  hdf5::write_int64_attribute(g, "replicates", plan.spec.base.integer("replicates"));
  hdf5::write_int64_attribute(g, "seed", plan.spec.base.integer("seed"));
  hdf5::write_int64_attribute(g, "design_seed", static_cast<std::int64_t>(plan.spec.seed));
  hdf5::write_string_attribute(g, "innosim_version", innosim_version());
  hdf5::write_string_attribute(g, "git_commit", git_commit());
  hdf5::write_string_attribute(g, "build_type", build_type());
  hdf5::write_string_attribute(g, "command_line", command_line);
  hdf5::write_string_attribute(g, "created_utc", utc_timestamp());
  hdf5::write_string_attribute(g, "hostname", host_name());
}

void sync_path(const std::filesystem::path& path, int flags) {
  const int descriptor = ::open(path.c_str(), flags | O_CLOEXEC);
  if (descriptor < 0) return;
  static_cast<void>(::fsync(descriptor));
  ::close(descriptor);
}

}  // namespace

void write_sweep_index(const SweepPlan& plan, const std::filesystem::path& directory,
                       const std::string& command_line) {
  hdf5::skip_library_teardown_at_exit();
  const std::filesystem::path final_path = directory / kSweepIndexFileName;
  // A name per process: shards that finish together each write their own, then rename.
  const std::filesystem::path partial =
      directory / fmt::format("{}.partial-{}", kSweepIndexFileName, static_cast<long>(::getpid()));
  const hdf5::QuietErrorStack quiet;
  try {
    Handle file = hdf5::create_file(partial);
    {
      const Handle root = hdf5::open_object(file.get(), "/");
      hdf5::write_string_attribute(root.get(), "format", "innosim-sweep");
      hdf5::write_int64_attribute(root.get(), "format_version", 1);
    }
    write_design(file.get(), plan);
    write_point_links(file.get(), plan);
    write_manifest(file.get(), plan, command_line);
    hdf5::flush_file(file);
    if (file.close() < 0) throw hdf5::Error("closing " + partial.string() + " failed");
  } catch (const hdf5::Error& error) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw OutputError(
        fmt::format("cannot write the sweep index '{}': {}", final_path.string(), error.what()));
  }
  sync_path(partial, O_RDONLY);
  std::error_code error;
  std::filesystem::rename(partial, final_path, error);
  if (error) {
    throw OutputError(fmt::format("cannot move '{}' onto '{}': {}", partial.string(), final_path.string(),
                                  error.message()));
  }
  sync_path(directory, O_RDONLY | O_DIRECTORY);
}

}  // namespace sim
