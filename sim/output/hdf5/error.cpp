#include "sim/output/hdf5/error.hpp"

#include <vector>

namespace sim::hdf5 {

QuietErrorStack::QuietErrorStack() {
  H5Eget_auto2(H5E_DEFAULT, &previous_function_, &previous_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

QuietErrorStack::~QuietErrorStack() { H5Eset_auto2(H5E_DEFAULT, previous_function_, previous_data_); }

namespace {
herr_t collect_description(unsigned /*depth*/, const H5E_error2_t* entry, void* data) {
  auto* descriptions = static_cast<std::vector<std::string>*>(data);
  descriptions->emplace_back(entry->desc != nullptr ? entry->desc : "");
  return 0;
}

// Low-level I/O failures carry the operating system's words inside a long line with times and
// addresses ("file write failed: time = ..., errno = 28, error message = 'No space left on
// device', buf = ..."); those words are what a person can act on, so keep only them.
std::string os_reason_or_whole(const std::string& description) {
  const std::string marker = "error message = '";
  const auto start = description.find(marker);
  if (start == std::string::npos) return description;
  const auto end = description.find('\'', start + marker.size());
  if (end == std::string::npos) return description;
  return description.substr(start + marker.size(), end - start - marker.size());
}
}  // namespace

std::string take_error_reason() {
  std::vector<std::string> descriptions;
  // Walking downward visits the API function first and the innermost, most specific frame last.
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_description, &descriptions);
  H5Eclear2(H5E_DEFAULT);
  for (auto it = descriptions.rbegin(); it != descriptions.rend(); ++it) {
    if (!it->empty()) return os_reason_or_whole(*it);
  }
  return "";
}

void throw_last_error(std::string_view action) {
  const std::string reason = take_error_reason();
  std::string message(action);
  if (!reason.empty()) message += ": " + reason;
  throw Error(message);
}

void throw_last_error(std::string_view action, hid_t object) {
  const std::string reason = take_error_reason();
  std::string message = std::string(action) + " '" + object_name(object) + "' failed";
  if (!reason.empty()) message += ": " + reason;
  throw Error(message);
}

std::string object_name(hid_t object) {
  const ssize_t length = H5Iget_name(object, nullptr, 0);
  if (length <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return "?";
  }
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  H5Iget_name(object, name.data(), name.size());
  name.resize(static_cast<std::size_t>(length));
  return name;
}

}  // namespace sim::hdf5
