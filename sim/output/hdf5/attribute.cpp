#include "sim/output/hdf5/attribute.hpp"

#include <algorithm>

#include "sim/output/hdf5/datatype.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/handle.hpp"

namespace sim::hdf5 {

namespace {
std::string describe(const std::string& name) { return "attribute '" + name + "' of"; }

std::string join_texts(const std::vector<std::string>& texts) {
  std::string joined;
  for (const auto& text : texts) joined += (joined.empty() ? "" : ", ") + text;
  return joined;
}

Handle create_scalar_attribute(hid_t object, const std::string& name, hid_t file_type) {
  if (has_attribute(object, name) && H5Adelete(object, name.c_str()) < 0) {
    throw_last_error("replacing " + describe(name), object);
  }
  const Handle space = Handle::take(H5Screate(H5S_SCALAR), "creating a scalar dataspace");
  const hid_t attribute = H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT);
  if (attribute < 0) throw_last_error("creating " + describe(name), object);
  return Handle::take(attribute, "");
}

Handle open_attribute(hid_t object, const std::string& name) {
  if (!has_attribute(object, name)) throw Error("no " + describe(name) + " '" + object_name(object) + "'");
  const hid_t attribute = H5Aopen(object, name.c_str(), H5P_DEFAULT);
  if (attribute < 0) throw_last_error("opening " + describe(name), object);
  return Handle::take(attribute, "");
}

herr_t collect_name(hid_t /*object*/, const char* name, const H5A_info_t* /*info*/, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}
}  // namespace

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  const Handle type = utf8_string_type();
  const Handle attribute = create_scalar_attribute(object, name, type.get());
  const char* text = value.c_str();
  if (H5Awrite(attribute.get(), type.get(), &text) < 0) throw_last_error("writing " + describe(name), object);
}

void write_string_list_attribute(hid_t object, const std::string& name,
                                 const std::vector<std::string>& values) {
  if (has_attribute(object, name) && H5Adelete(object, name.c_str()) < 0) {
    throw_last_error("replacing " + describe(name), object);
  }
  const Handle type = utf8_string_type();
  const hsize_t count = values.size();
  const Handle space = Handle::take(H5Screate_simple(1, &count, nullptr), "creating a dataspace");
  const hid_t created = H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT);
  if (created < 0) throw_last_error("creating " + describe(name), object);
  const Handle attribute = Handle::take(created, "");
  std::vector<const char*> texts;
  texts.reserve(values.size());
  for (const auto& value : values) texts.push_back(value.c_str());
  if (H5Awrite(attribute.get(), type.get(), texts.data()) < 0)
    throw_last_error("writing " + describe(name), object);
}

void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value) {
  const Handle attribute = create_scalar_attribute(object, name, H5T_STD_I64LE);
  if (H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value) < 0) {
    throw_last_error("writing " + describe(name), object);
  }
}

bool has_attribute(hid_t object, const std::string& name) {
  const htri_t exists = H5Aexists(object, name.c_str());
  if (exists < 0) throw_last_error("looking up " + describe(name), object);
  return exists > 0;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  const Handle attribute = open_attribute(object, name);
  const Handle type = Handle::take(H5Aget_type(attribute.get()), "getting the type of " + describe(name));
  if (H5Tget_class(type.get()) != H5T_STRING) {
    throw Error(describe(name) + " '" + object_name(object) + "' is " + type_name(type.get()) +
                ", not a string");
  }
  // Reading with the attribute's own string type avoids a character-set conversion HDF5 lacks.
  if (check_truth(H5Tis_variable_str(type.get()), "inspecting the type of " + describe(name))) {
    char* text = nullptr;
    if (H5Aread(attribute.get(), type.get(), &text) < 0)
      throw_last_error("reading " + describe(name), object);
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  std::string value(H5Tget_size(type.get()), '\0');
  if (H5Aread(attribute.get(), type.get(), value.data()) < 0)
    throw_last_error("reading " + describe(name), object);
  value.erase(std::find(value.begin(), value.end(), '\0'), value.end());
  return value;
}

std::int64_t read_int64_attribute(hid_t object, const std::string& name) {
  const Handle attribute = open_attribute(object, name);
  std::int64_t value = 0;
  if (H5Aread(attribute.get(), H5T_NATIVE_INT64, &value) < 0)
    throw_last_error("reading " + describe(name), object);
  return value;
}

std::vector<std::string> read_string_list_attribute(hid_t object, const std::string& name) {
  const Handle attribute = open_attribute(object, name);
  const Handle space = Handle::take(H5Aget_space(attribute.get()), "getting the shape of " + describe(name));
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 0) throw_last_error("getting the size of " + describe(name), object);
  // Read as variable-length UTF-8 whatever was written (HDF5 converts fixed-length strings).
  const Handle type = utf8_string_type();
  std::vector<char*> texts(static_cast<std::size_t>(count), nullptr);
  if (H5Aread(attribute.get(), type.get(), texts.data()) < 0)
    throw_last_error("reading " + describe(name), object);
  std::vector<std::string> values;
  for (char* text : texts) {
    values.emplace_back(text != nullptr ? text : "");
    H5free_memory(text);
  }
  return values;
}

std::string read_attribute_as_text(hid_t object, const std::string& name) {
  const Handle attribute = open_attribute(object, name);
  const Handle type = Handle::take(H5Aget_type(attribute.get()), "getting the type of " + describe(name));
  const Handle space = Handle::take(H5Aget_space(attribute.get()), "getting the shape of " + describe(name));
  const bool is_list = H5Sget_simple_extent_ndims(space.get()) == 1;
  switch (H5Tget_class(type.get())) {
    case H5T_STRING:
      if (is_list) return "[" + join_texts(read_string_list_attribute(object, name)) + "]";
      return read_string_attribute(object, name);
    case H5T_INTEGER:
      return std::to_string(read_int64_attribute(object, name));
    default:
      return "(" + type_name(type.get()) + ")";
  }
}

std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  if (H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names) < 0) {
    throw_last_error("listing the attributes of", object);
  }
  return names;
}

}  // namespace sim::hdf5
