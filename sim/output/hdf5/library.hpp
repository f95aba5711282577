#pragma once
// The HDF5 library's process-wide lifetime.
#include <hdf5.h>

namespace sim::hdf5 {

// Asks HDF5 not to tear itself down at exit. HDF5 1.10 keeps a file whose close failed (a full
// disk makes the close's writes fail) in its tables after freeing it, and its exit handler then
// crashes on it (HDFFV-11052, fixed in 1.14), turning a clean "disk full" error into a segfault.
// We close every object ourselves, so the teardown has nothing left to do. Takes effect only as
// the process's first HDF5 call (afterwards HDF5 refuses it and nothing changes), so call it first
// thing in main or before the first file is created; calling it again is harmless.
inline void skip_library_teardown_at_exit() noexcept { static_cast<void>(H5dont_atexit()); }

}  // namespace sim::hdf5
