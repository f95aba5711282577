#include "sim/output/hdf5/dataset.hpp"

#include <functional>
#include <numeric>

#include "sim/output/hdf5/error.hpp"

namespace sim::hdf5 {

namespace {
int rank_of(const std::vector<hsize_t>& extent) { return static_cast<int>(extent.size()); }

Handle creation_properties(const ChunkedLayout& layout) {
  Handle properties = Handle::take(H5Pcreate(H5P_DATASET_CREATE), "creating dataset properties");
  const hid_t id = properties.get();
  check(H5Pset_chunk(id, rank_of(layout.chunk), layout.chunk.data()), "setting the chunk shape");
  check(H5Pset_obj_track_times(id, false), "turning off dataset times");
  // Shuffle groups the bytes of neighbouring values, which makes slowly varying numbers compress
  // far better under deflate; both are in every standard HDF5 build but may be decode-only.
  if (layout.deflate_level > 0 && can_encode(H5Z_FILTER_DEFLATE)) {
    if (can_encode(H5Z_FILTER_SHUFFLE)) check(H5Pset_shuffle(id), "adding the shuffle filter");
    check(H5Pset_deflate(id, static_cast<unsigned>(layout.deflate_level)), "adding the deflate filter");
  }
  if (layout.fill_value) {
    check(H5Pset_fill_value(id, H5T_NATIVE_DOUBLE, &*layout.fill_value), "setting the fill value");
  }
  return properties;
}

Handle dataspace(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& max_dims) {
  return Handle::take(
      H5Screate_simple(rank_of(dims), dims.data(), max_dims.empty() ? nullptr : max_dims.data()),
      "creating a dataspace");
}

Handle space_of(hid_t dataset) {
  const hid_t space = H5Dget_space(dataset);
  if (space < 0) throw_last_error("getting the dataspace of", dataset);
  return Handle::take(space, "");
}

Handle file_space_with_block(hid_t dataset, const std::vector<hsize_t>& start,
                             const std::vector<hsize_t>& count) {
  Handle space = space_of(dataset);
  if (H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0) {
    throw_last_error("selecting a block of", dataset);
  }
  return space;
}
}  // namespace

bool can_encode(H5Z_filter_t filter) {
  if (H5Zfilter_avail(filter) <= 0) return false;
  unsigned config = 0;
  if (H5Zget_filter_info(filter, &config) < 0) return false;
  return (config & H5Z_FILTER_CONFIG_ENCODE_ENABLED) != 0;
}

Handle create_chunked_dataset(hid_t parent, const std::string& name, hid_t file_type,
                              const ChunkedLayout& layout) {
  const Handle properties = creation_properties(layout);
  const Handle space = dataspace(layout.dims, layout.max_dims);
  const hid_t dataset =
      H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT);
  if (dataset < 0) throw_last_error("creating dataset '" + name + "' in", parent);
  return Handle::take(dataset, "");
}

std::vector<hsize_t> dataset_shape(hid_t dataset) {
  const Handle space = space_of(dataset);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw_last_error("getting the rank of", dataset);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0) {
    throw_last_error("getting the shape of", dataset);
  }
  return dims;
}

void write_block(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
                 const std::vector<hsize_t>& count, const void* data) {
  const Handle file_space = file_space_with_block(dataset, start, count);
  const Handle memory_space = dataspace(count, {});
  if (H5Dwrite(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data) < 0) {
    throw_last_error("writing", dataset);
  }
}

void append_1d(hid_t dataset, hid_t memory_type, hsize_t count, const void* data) {
  const hsize_t old_size = dataset_shape(dataset).at(0);
  const hsize_t new_size = old_size + count;
  if (H5Dset_extent(dataset, &new_size) < 0) throw_last_error("extending", dataset);
  if (count > 0) write_block(dataset, memory_type, {old_size}, {count}, data);
}

void read_block(hid_t dataset, hid_t memory_type, const std::vector<hsize_t>& start,
                const std::vector<hsize_t>& count, void* out) {
  const Handle file_space = file_space_with_block(dataset, start, count);
  const Handle memory_space = dataspace(count, {});
  if (H5Dread(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, out) < 0) {
    throw_last_error("reading", dataset);
  }
}

std::vector<double> read_all_as_double(hid_t dataset) {
  const std::vector<hsize_t> shape = dataset_shape(dataset);
  const hsize_t size = std::accumulate(shape.begin(), shape.end(), hsize_t{1}, std::multiplies<>());
  std::vector<double> values(size);
  if (size == 0) return values;
  if (H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    throw_last_error("reading", dataset);
  }
  return values;
}

Handle dataset_type(hid_t dataset) {
  const hid_t type = H5Dget_type(dataset);
  if (type < 0) throw_last_error("getting the type of", dataset);
  return Handle::take(type, "");
}

}  // namespace sim::hdf5
