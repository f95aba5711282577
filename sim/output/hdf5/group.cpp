#include "sim/output/hdf5/group.hpp"

#include "sim/output/hdf5/error.hpp"

namespace sim::hdf5 {

namespace {
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> components;
  std::string current;
  for (const char c : path) {
    if (c != '/') {
      current += c;
    } else if (!current.empty()) {
      components.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) components.push_back(std::move(current));
  return components;
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle creation = Handle::take(H5Pcreate(H5P_GROUP_CREATE), "creating group creation properties");
  check(H5Pset_obj_track_times(creation.get(), false), "turning off group times");
  const hid_t group = H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, creation.get(), H5P_DEFAULT);
  if (group < 0) throw_last_error("creating group '" + name + "' in", parent);
  return Handle::take(group, "");
}
}  // namespace

bool path_exists(hid_t parent, const std::string& path) {
  std::string prefix = path.starts_with('/') ? "/" : "";
  for (const auto& component : split_path(path)) {
    prefix += component;
    if (!check_truth(H5Lexists(parent, prefix.c_str(), H5P_DEFAULT), "looking up '" + prefix + "'")) {
      return false;
    }
    prefix += '/';
  }
  return true;
}

Handle open_or_create_group(hid_t parent, const std::string& path) {
  Handle current;
  hid_t location = parent;
  for (const auto& component : split_path(path)) {
    const bool exists =
        check_truth(H5Lexists(location, component.c_str(), H5P_DEFAULT), "looking up '" + component + "'");
    if (exists) {
      const hid_t group = H5Gopen2(location, component.c_str(), H5P_DEFAULT);
      if (group < 0) throw_last_error("opening group '" + component + "' in", location);
      current = Handle::take(group, "");
    } else {
      current = create_group(location, component);
    }
    location = current.get();
  }
  if (!current.is_open()) {
    current = Handle::take(H5Gopen2(parent, ".", H5P_DEFAULT), "opening group '" + path + "'");
  }
  return current;
}

Handle open_object(hid_t parent, const std::string& path) {
  if (!path_exists(parent, path)) throw Error("no object '" + path + "'");
  return Handle::take(H5Oopen(parent, path.c_str(), H5P_DEFAULT), "opening '" + path + "'");
}

std::vector<std::string> child_names(hid_t group) {
  H5G_info_t info{};
  if (H5Gget_info(group, &info) < 0) throw_last_error("listing", group);
  std::vector<std::string> names;
  names.reserve(info.nlinks);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) throw_last_error("listing", group);
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(length));
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace sim::hdf5
