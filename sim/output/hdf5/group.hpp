#pragma once
// Groups and links: the folders of an HDF5 file.
#include <hdf5.h>

#include <string>
#include <vector>

#include "sim/output/hdf5/handle.hpp"

namespace sim::hdf5 {

// True when every component of the '/'-separated `path` below `parent` exists ("agents/firm").
bool path_exists(hid_t parent, const std::string& path);

// Opens the group at `path`, creating missing groups along the way without modification times
// (HDF5's own intermediate-group creation would record times and make files differ run to run).
Handle open_or_create_group(hid_t parent, const std::string& path);

// Opens a group, dataset or named datatype; throws Error naming the path when there is none.
Handle open_object(hid_t parent, const std::string& path);

// Names of the links directly inside `group`, in name order.
std::vector<std::string> child_names(hid_t group);

}  // namespace sim::hdf5
