#pragma once
// HDF5 failures as exceptions. The C API reports failure by a negative return and keeps the
// details on a per-thread error stack, which it prints to stderr by default; we turn the printing
// off while our calls run and put the stack's most specific line into the exception instead, so a
// person sees one message that says what failed and why.
#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace sim::hdf5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// While alive, HDF5 does not print its error stack; the previous setting comes back on scope exit.
// The setting is the library's (per thread in thread-safe builds), so hold one only around a
// short operation, on the thread making the HDF5 calls.
class QuietErrorStack {
 public:
  QuietErrorStack();
  ~QuietErrorStack();
  QuietErrorStack(const QuietErrorStack&) = delete;
  QuietErrorStack& operator=(const QuietErrorStack&) = delete;

 private:
  H5E_auto2_t previous_function_ = nullptr;
  void* previous_data_ = nullptr;
};

// The most specific reason on the current error stack ("No space left on device", "unable to
// truncate a file which is already open"), or "" when the stack is empty. Clears the stack.
std::string take_error_reason();

// Throws Error("<action>: <reason from the error stack>"). Call right after the failing HDF5 call:
// any other HDF5 call in between clears the stack.
[[noreturn]] void throw_last_error(std::string_view action);

// Throws Error for a failed operation on `object`, naming the object's path in the file
// ("writing '/metrics/gdp' failed: ..."). Reads the stack before asking HDF5 for the name.
[[noreturn]] void throw_last_error(std::string_view action, hid_t object);

// The object's path inside its file ("/metrics/gdp"), or "?" when HDF5 cannot say.
std::string object_name(hid_t object);

// Status checks for calls returning herr_t (negative = failure) and htri_t (negative = failure,
// otherwise a truth value).
inline void check(herr_t status, std::string_view action) {
  if (status < 0) throw_last_error(action);
}
inline bool check_truth(htri_t result, std::string_view action) {
  if (result < 0) throw_last_error(action);
  return result > 0;
}

}  // namespace sim::hdf5
