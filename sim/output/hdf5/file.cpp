#include "sim/output/hdf5/file.hpp"

#include "sim/output/hdf5/error.hpp"

namespace sim::hdf5 {

namespace {
std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }
}  // namespace

Handle create_file(const std::filesystem::path& path) {
  // The 1.8 format (superblock v2, compact groups) is readable by every current tool and needs no
  // per-object times; the root group's times are governed by the file creation properties.
  Handle access = Handle::take(H5Pcreate(H5P_FILE_ACCESS), "creating file access properties");
  check(H5Pset_fapl_sec2(access.get()), "choosing the POSIX file driver");
  check(H5Pset_libver_bounds(access.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST), "setting format bounds");
  Handle creation = Handle::take(H5Pcreate(H5P_FILE_CREATE), "creating file creation properties");
  check(H5Pset_obj_track_times(creation.get(), false), "turning off the root group's times");
  return Handle::take(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.get(), access.get()),
                      "creating HDF5 file " + quoted(path));
}

Handle open_file_read_only(const std::filesystem::path& path) {
  return Handle::take(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                      "opening HDF5 file " + quoted(path));
}

bool has_hdf5_signature(const std::filesystem::path& path) {
  return check_truth(H5Fis_hdf5(path.c_str()), "reading the signature of " + quoted(path));
}

void flush_file(const Handle& file) {
  if (H5Fflush(file.get(), H5F_SCOPE_GLOBAL) < 0) throw_last_error("writing buffered data to the file");
}

}  // namespace sim::hdf5
