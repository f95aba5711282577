#include "sim/output/hdf5/datatype.hpp"

#include "sim/output/hdf5/error.hpp"

namespace sim::hdf5 {

Handle utf8_string_type() {
  Handle type = Handle::take(H5Tcopy(H5T_C_S1), "copying the string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "making a variable-length string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "setting the UTF-8 character set");
  return type;
}

std::string type_name(hid_t type) {
  const std::string bits = std::to_string(8 * H5Tget_size(type));
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      return "float" + bits;
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + bits;
    case H5T_STRING:
      return "string";
    default:
      return "other";
  }
}

}  // namespace sim::hdf5
