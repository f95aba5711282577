#pragma once
// What the writer, `innosim inspect` and the readers share about the file layout
// (docs/output-format.md): the root attributes that identify an innosim file, the manifest's
// attributes, the key columns of every table, and opening a file for reading with clear messages.
// Internal to sim/output/.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sim/output/hdf5/handle.hpp"
#include "sim/output/output_file.hpp"

namespace sim::output_layout {

// Root attributes by which a reader recognises an innosim file; the version changes when the
// layout changes in a way old readers would misread.
inline constexpr const char* kFormatName = "innosim-output";
inline constexpr std::int64_t kFormatVersion = 1;

// Columns every table row has, before the model's own columns.
inline const std::array<std::string, 3> kRowKeyColumns = {"replicate", "step", "id"};

using ManifestValue = std::variant<std::string, std::int64_t>;

// The manifest's attributes in the order `innosim inspect` shows them; the one list both writes and
// reads the manifest, so a new Manifest field needs one line here.
std::vector<std::pair<std::string, ManifestValue>> manifest_fields(const Manifest& manifest);

// 'path' in messages.
std::string quoted(const std::filesystem::path& path);

// Opens an HDF5 file for reading with the messages `innosim inspect` and `reproduce` promise
// (OutputError: missing, a directory, truncated or not HDF5).
hdf5::Handle open_readable(const std::filesystem::path& path);
// The same, and refuses a file that is not an innosim output or is of a newer format version.
hdf5::Handle open_innosim_output(const std::filesystem::path& path);

}  // namespace sim::output_layout
