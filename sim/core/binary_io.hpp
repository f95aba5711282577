#pragma once
// Plain binary writing and reading of the values a checkpoint holds: numbers, strings and
// vectors of trivially copyable elements, in the machine's own byte order. A checkpoint is read
// back by the same build that wrote it (the runner refuses another build's), so no portable
// encoding is needed; what is needed is that a truncated or foreign file is caught, never read as
// garbage: every read checks the stream and throws std::runtime_error naming what it was reading.
#include <algorithm>
#include <cstdint>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace sim::binary {

// Thrown for a file that ends early or holds impossible sizes.
class ReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <class T>
void write(std::ostream& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>, "binary::write takes plain values");
  out.write(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <class T>
T read(std::istream& in, const char* what) {
  static_assert(std::is_trivially_copyable_v<T>, "binary::read takes plain values");
  T value{};
  if (!in.read(reinterpret_cast<char*>(&value), sizeof(T)))
    throw ReadError(std::string("file ends in ") + what);
  return value;
}

// Reads a value and checks it equals `expected` (a size or a name's element count that the reader
// already knows): a mismatch means the file describes another state layout.
template <class T>
void expect(std::istream& in, const T& expected, const char* what) {
  if (read<T>(in, what) != expected) throw ReadError(std::string("unexpected ") + what);
}

inline void write_string(std::ostream& out, const std::string& text) {
  write<std::uint64_t>(out, text.size());
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// Longer than any name, scenario or label list a checkpoint holds: a larger count is a damaged file.
inline constexpr std::uint64_t kMaxStringBytes = std::uint64_t{1} << 30;

inline std::string read_string(std::istream& in, const char* what) {
  const auto size = read<std::uint64_t>(in, what);
  if (size > kMaxStringBytes) throw ReadError(std::string("impossible length of ") + what);
  std::string text(size, '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size)))
    throw ReadError(std::string("file ends in ") + what);
  return text;
}

template <class T>
void write_vector(std::ostream& out, const std::vector<T>& values) {
  static_assert(std::is_trivially_copyable_v<T>, "binary::write_vector takes vectors of plain values");
  write<std::uint64_t>(out, values.size());
  out.write(reinterpret_cast<const char*>(values.data()),
            static_cast<std::streamsize>(values.size() * sizeof(T)));
}

template <class T>
void read_vector(std::istream& in, std::vector<T>& values, const char* what) {
  static_assert(std::is_trivially_copyable_v<T>, "binary::read_vector takes vectors of plain values");
  const auto size = read<std::uint64_t>(in, what);
  // Grown in pieces, so a damaged size fails at the end of the file instead of allocating terabytes.
  constexpr std::uint64_t kPiece = (std::uint64_t{1} << 24) / sizeof(T) + 1;
  values.clear();
  for (std::uint64_t done = 0; done < size;) {
    const std::uint64_t piece = std::min(kPiece, size - done);
    values.resize(static_cast<std::size_t>(done + piece));
    if (!in.read(reinterpret_cast<char*>(values.data() + done),
                 static_cast<std::streamsize>(piece * sizeof(T))))
      throw ReadError(std::string("file ends in ") + what);
    done += piece;
  }
}

// Vectors of vectors (index lists by cell or region).
template <class T>
void write_nested(std::ostream& out, const std::vector<std::vector<T>>& lists) {
  write<std::uint64_t>(out, lists.size());
  for (const auto& list : lists) write_vector(out, list);
}

template <class T>
void read_nested(std::istream& in, std::vector<std::vector<T>>& lists, const char* what) {
  const auto size = read<std::uint64_t>(in, what);
  if (size > kMaxStringBytes) throw ReadError(std::string("impossible length of ") + what);
  lists.assign(static_cast<std::size_t>(size), {});
  for (auto& list : lists) read_vector(in, list, what);
}

}  // namespace sim::binary
