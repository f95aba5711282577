#include "sim/output/hdf5/handle.hpp"

#include "sim/output/hdf5/error.hpp"

namespace sim::hdf5 {

Handle Handle::take(hid_t id, std::string_view action) {
  if (id < 0) throw_last_error(action);
  return Handle(id);
}

herr_t Handle::close() noexcept {
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  if (id < 0) return 0;
  switch (H5Iget_type(id)) {
    case H5I_FILE:
      return H5Fclose(id);
    case H5I_GROUP:
      return H5Gclose(id);
    case H5I_DATASET:
      return H5Dclose(id);
    case H5I_ATTR:
      return H5Aclose(id);
    case H5I_DATASPACE:
      return H5Sclose(id);
    case H5I_DATATYPE:
      return H5Tclose(id);
    case H5I_GENPROP_LST:
      return H5Pclose(id);
    default:
      return H5Idec_ref(id) < 0 ? -1 : 0;
  }
}

}  // namespace sim::hdf5
