#pragma once
// Move-only owner of one HDF5 identifier (file, group, dataset, attribute, dataspace, datatype or
// property list). Every id the wrapper opens lives in a Handle, so an exception on any path
// closes what was opened; a leaked id would keep the file open and block its rename or removal.
#include <hdf5.h>

#include <string_view>
#include <utility>

namespace sim::hdf5 {

class Handle {
 public:
  Handle() = default;
  ~Handle() { static_cast<void>(close()); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      static_cast<void>(close());
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  // Takes ownership of the result of an H5*create/open/copy call; throws Error with `action` and
  // HDF5's reason when the call failed (negative id).
  static Handle take(hid_t id, std::string_view action);

  [[nodiscard]] hid_t get() const { return id_; }
  [[nodiscard]] bool is_open() const { return id_ >= 0; }

  // Closes now with the close function for the id's kind and returns its status: closing a file
  // or dataset can be the call that writes buffered data, so a caller that must know whether the
  // data reached the file checks it. Idempotent; the destructor ignores the status.
  [[nodiscard]] herr_t close() noexcept;

 private:
  explicit Handle(hid_t id) : id_(id) {}
  hid_t id_ = H5I_INVALID_HID;
};

}  // namespace sim::hdf5
