#include "sim/output/output_layout.hpp"

#include <fmt/format.h>

#include <system_error>

#include "sim/output/hdf5/attribute.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/file.hpp"
#include "sim/output/hdf5/group.hpp"

namespace sim::output_layout {

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

std::vector<std::pair<std::string, ManifestValue>> manifest_fields(const Manifest& manifest) {
  return {
      {"model", manifest.model},
      {"model_version", manifest.model_version},
      {"schema_version", manifest.schema_version},
      {"seed", manifest.seed},
      {"replicates", manifest.replicates},
      {"steps", manifest.steps},
      {"threads", manifest.threads},
      {"innosim_version", manifest.innosim_version},
      {"git_commit", manifest.git_commit},
      {"build_type", manifest.build_type},
      {"created_utc", manifest.created_utc},
      {"hostname", manifest.hostname},
      {"command_line", manifest.command_line},
      {"scenario_sha256", manifest.scenario_sha256},
      {"scenario_yaml", manifest.scenario_yaml},
  };
}

hdf5::Handle open_readable(const std::filesystem::path& path) {
  std::error_code error;
  const bool exists = std::filesystem::exists(path, error);
  if (error) throw OutputError(fmt::format("cannot open {}: {}", quoted(path), error.message()));
  if (!exists) throw OutputError(fmt::format("cannot open {}: no such file", quoted(path)));
  if (std::filesystem::is_directory(path, error)) {
    throw OutputError(fmt::format("{} is a directory, not an innosim output file", quoted(path)));
  }
  const std::string unreadable =
      fmt::format("{} is not a readable HDF5 file (truncated or not HDF5)", quoted(path));
  try {
    if (!hdf5::has_hdf5_signature(path)) throw OutputError(unreadable);
    return hdf5::open_file_read_only(path);
  } catch (const hdf5::Error&) {
    throw OutputError(unreadable);
  }
}

hdf5::Handle open_innosim_output(const std::filesystem::path& path) {
  hdf5::Handle file = open_readable(path);
  const hdf5::Handle root = hdf5::open_object(file.get(), "/");
  if (!hdf5::has_attribute(root.get(), "format")) {
    throw OutputError(
        fmt::format("{} is not an innosim output (no 'format' attribute at the root)", quoted(path)));
  }
  const std::string format = hdf5::read_attribute_as_text(root.get(), "format");
  if (format != kFormatName) {
    throw OutputError(fmt::format("{} is not an innosim output (its 'format' attribute is '{}', not '{}')",
                                  quoted(path), format, kFormatName));
  }
  const std::int64_t version = hdf5::read_int64_attribute(root.get(), "format_version");
  if (version > kFormatVersion) {
    throw OutputError(
        fmt::format("{} has output format version {}, newer than this innosim reads ({}); "
                    "use a newer innosim",
                    quoted(path), version, kFormatVersion));
  }
  return file;
}

}  // namespace sim::output_layout
