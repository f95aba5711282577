#pragma once
// Creating and opening HDF5 files.
#include <filesystem>

#include "sim/output/hdf5/handle.hpp"

namespace sim::hdf5 {

// Creates (truncating) a file with the POSIX (sec2) driver in the HDF5 1.8+ format with modification times
// off, so that the same content gives the same bytes.
Handle create_file(const std::filesystem::path& path);

Handle open_file_read_only(const std::filesystem::path& path);

// True when the file starts with an HDF5 signature; false for other files. Throws Error when the
// file cannot be read at all.
bool has_hdf5_signature(const std::filesystem::path& path);

// Writes every buffered object and raw-data chunk of the file to the operating system.
void flush_file(const Handle& file);

}  // namespace sim::hdf5
