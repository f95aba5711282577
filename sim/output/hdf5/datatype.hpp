#pragma once
// The element types innosim stores, in memory (native) and in the file (fixed little-endian, so a
// file's bytes do not depend on the machine that wrote it).
#include <hdf5.h>

#include <cstdint>
#include <string>

#include "sim/output/hdf5/handle.hpp"

namespace sim::hdf5 {

template <class T>
struct TypeOf;  // memory and file types of a C++ element type; undefined for unsupported types

template <>
struct TypeOf<double> {
  static hid_t memory() { return H5T_NATIVE_DOUBLE; }
  static hid_t file() { return H5T_IEEE_F64LE; }
};
template <>
struct TypeOf<std::int64_t> {
  static hid_t memory() { return H5T_NATIVE_INT64; }
  static hid_t file() { return H5T_STD_I64LE; }
};
template <>
struct TypeOf<std::uint64_t> {
  static hid_t memory() { return H5T_NATIVE_UINT64; }
  static hid_t file() { return H5T_STD_U64LE; }
};
template <>
struct TypeOf<std::int32_t> {
  static hid_t memory() { return H5T_NATIVE_INT32; }
  static hid_t file() { return H5T_STD_I32LE; }
};
template <>
struct TypeOf<std::int16_t> {
  static hid_t memory() { return H5T_NATIVE_INT16; }
  static hid_t file() { return H5T_STD_I16LE; }
};
template <>
struct TypeOf<std::int8_t> {
  static hid_t memory() { return H5T_NATIVE_INT8; }
  static hid_t file() { return H5T_STD_I8LE; }
};
template <>
struct TypeOf<std::uint8_t> {
  static hid_t memory() { return H5T_NATIVE_UINT8; }
  static hid_t file() { return H5T_STD_U8LE; }
};

// Variable-length UTF-8 string, for text attributes of any length.
Handle utf8_string_type();

// "float64", "int32", "uint8", "string", ... for messages and `innosim inspect`.
std::string type_name(hid_t type);

}  // namespace sim::hdf5
