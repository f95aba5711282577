// The thin HDF5 wrapper in sim/output/hdf5/: ownership of ids, errors as exceptions, attributes, growth.
#include <doctest/doctest.h>

#include <hdf5.h>
#include "tests/support/scratch_directory.hpp"

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "sim/output/hdf5/attribute.hpp"
#include "sim/output/hdf5/dataset.hpp"
#include "sim/output/hdf5/datatype.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/file.hpp"
#include "sim/output/hdf5/group.hpp"
#include "sim/output/hdf5/handle.hpp"

namespace {

namespace fs = std::filesystem;
using namespace sim::hdf5;

using test_support::ScratchDirectory;

}  // namespace

TEST_CASE("hdf5 handle closes its id when it goes out of scope") {
  hid_t id = H5I_INVALID_HID;
  {
    const Handle space = Handle::take(H5Screate(H5S_SCALAR), "creating a dataspace");
    id = space.get();
    CHECK(H5Iis_valid(id) > 0);
  }
  const QuietErrorStack quiet;
  CHECK(H5Iis_valid(id) <= 0);
}

TEST_CASE("hdf5 handle moves ownership and closes once") {
  Handle first = Handle::take(H5Screate(H5S_SCALAR), "creating a dataspace");
  const hid_t id = first.get();
  Handle second = std::move(first);
  CHECK_FALSE(first.is_open());  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  CHECK(second.get() == id);
  CHECK(second.close() >= 0);
  CHECK_FALSE(second.is_open());
  CHECK(second.close() >= 0);  // closing again is harmless
}

TEST_CASE("hdf5 failure becomes an Error carrying the action and HDF5's reason") {
  const ScratchDirectory scratch;
  const QuietErrorStack quiet;
  const fs::path missing = scratch.path / "missing.h5";
  try {
    open_file_read_only(missing);
    FAIL("opening a missing file should throw");
  } catch (const Error& error) {
    const std::string message = error.what();
    CHECK(message.starts_with("opening HDF5 file '" + missing.string() + "': "));
    CHECK(message.find("No such file or directory") != std::string::npos);
  }
}

TEST_CASE("hdf5 quiet error stack restores the previous printing setting") {
  H5E_auto2_t before = nullptr;
  void* before_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &before, &before_data);
  {
    const QuietErrorStack quiet;
    H5E_auto2_t during = nullptr;
    void* during_data = nullptr;
    H5Eget_auto2(H5E_DEFAULT, &during, &during_data);
    CHECK((during == nullptr));
  }
  H5E_auto2_t after = nullptr;
  void* after_data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &after, &after_data);
  CHECK((after == before));
  CHECK((after_data == before_data));
}

TEST_CASE("hdf5 attributes keep UTF-8 text and int64 values, and a rewrite replaces them") {
  const ScratchDirectory scratch;
  const QuietErrorStack quiet;
  const fs::path path = scratch.path / "attributes.h5";
  {
    const Handle file = create_file(path);
    const Handle group = open_or_create_group(file.get(), "a/b");
    write_string_attribute(group.get(), "place", "南沙 Nansha");
    write_string_attribute(group.get(), "empty", "");
    write_int64_attribute(group.get(), "count", -7);
    write_int64_attribute(group.get(), "count", 9'000'000'000);
  }
  const Handle file = open_file_read_only(path);
  const Handle group = open_object(file.get(), "/a/b");
  CHECK(read_string_attribute(group.get(), "place") == "南沙 Nansha");
  CHECK(read_string_attribute(group.get(), "empty").empty());
  CHECK(read_int64_attribute(group.get(), "count") == 9'000'000'000);
  CHECK(read_attribute_as_text(group.get(), "count") == "9000000000");
  CHECK(attribute_names(group.get()) == std::vector<std::string>{"count", "empty", "place"});

  const Handle attribute = Handle::take(H5Aopen(group.get(), "place", H5P_DEFAULT), "opening 'place'");
  const Handle type = Handle::take(H5Aget_type(attribute.get()), "getting its type");
  CHECK(H5Tis_variable_str(type.get()) > 0);
  CHECK(H5Tget_cset(type.get()) == H5T_CSET_UTF8);

  CHECK_THROWS_AS(read_string_attribute(group.get(), "count"), Error);
  CHECK_THROWS_AS(read_string_attribute(group.get(), "absent"), Error);
}

TEST_CASE("hdf5 1-D chunked dataset grows by appends and reads back in order") {
  const ScratchDirectory scratch;
  const QuietErrorStack quiet;
  const fs::path path = scratch.path / "append.h5";
  {
    const Handle file = create_file(path);
    ChunkedLayout layout;
    layout.dims = {0};
    layout.max_dims = {H5S_UNLIMITED};
    layout.chunk = {4};
    const Handle dataset = create_chunked_dataset(file.get(), "values", TypeOf<std::int32_t>::file(), layout);
    const std::vector<std::int32_t> first{1, 2, 3};
    const std::vector<std::int32_t> second{4, 5, 6, 7, 8};
    append_1d(dataset.get(), TypeOf<std::int32_t>::memory(), first.size(), first.data());
    append_1d(dataset.get(), TypeOf<std::int32_t>::memory(), 0, nullptr);
    append_1d(dataset.get(), TypeOf<std::int32_t>::memory(), second.size(), second.data());
    CHECK(dataset_shape(dataset.get()) == std::vector<hsize_t>{8});
  }
  const Handle file = open_file_read_only(path);
  const Handle dataset = open_object(file.get(), "values");
  CHECK(read_all_as_double(dataset.get()) == std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8});
  const Handle type = dataset_type(dataset.get());
  CHECK(type_name(type.get()) == "int32");
  CHECK(child_names(file.get()) == std::vector<std::string>{"values"});
}

TEST_CASE("hdf5 wrapper names the object whose write failed") {
  const ScratchDirectory scratch;
  const QuietErrorStack quiet;
  const fs::path path = scratch.path / "readonly.h5";
  {
    const Handle file = create_file(path);
    ChunkedLayout layout;
    layout.dims = {2};
    layout.max_dims = {2};
    layout.chunk = {2};
    create_chunked_dataset(file.get(), "fixed", TypeOf<double>::file(), layout);
  }
  const Handle file = open_file_read_only(path);
  const Handle dataset = open_object(file.get(), "fixed");
  const std::vector<double> values{1.0, 2.0};
  try {
    write_block(dataset.get(), TypeOf<double>::memory(), {0}, {2}, values.data());
    FAIL("writing to a read-only file should throw");
  } catch (const Error& error) {
    CHECK(std::string(error.what()).starts_with("writing '/fixed' failed"));
  }
}
