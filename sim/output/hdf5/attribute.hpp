#pragma once
// Scalar attributes: the small named values attached to groups and datasets (units, manifest).
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sim::hdf5 {

// Writes a variable-length UTF-8 string attribute, replacing one of the same name.
void write_string_attribute(hid_t object, const std::string& name, const std::string& value);

// Writes a one-dimensional attribute of variable-length UTF-8 strings (code labels), replacing one
// of the same name.
void write_string_list_attribute(hid_t object, const std::string& name,
                                 const std::vector<std::string>& values);

// Writes a little-endian int64 attribute, replacing one of the same name.
void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value);

bool has_attribute(hid_t object, const std::string& name);

// Reads a string attribute, variable- or fixed-length (other writers, e.g. h5py, use either).
std::string read_string_attribute(hid_t object, const std::string& name);

// Reads any integer attribute as int64.
std::int64_t read_int64_attribute(hid_t object, const std::string& name);

// Reads a one-dimensional string attribute (code labels).
std::vector<std::string> read_string_list_attribute(hid_t object, const std::string& name);

// A string attribute as is, a list of strings as "[a, b]", an integer one in decimal, anything else as
// "(<type name>)"; for showing attributes of unknown type to a person.
std::string read_attribute_as_text(hid_t object, const std::string& name);

// Names of the object's attributes in name order.
std::vector<std::string> attribute_names(hid_t object);

}  // namespace sim::hdf5
