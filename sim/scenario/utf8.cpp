#include "sim/scenario/utf8.hpp"

#include <fmt/format.h>

namespace sim::utf8 {

namespace {

// Length of the well-formed sequence starting at `i`, or 0 (Unicode 15, table 3-7).
std::size_t sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

bool starts_with_bytes(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<InvalidSequence> find_invalid(std::string_view text) {
  // UTF-32 first: its little-endian mark begins with UTF-16's.
  if (starts_with_bytes(text, std::string_view("\xFF\xFE\0\0", 4)) ||
      starts_with_bytes(text, std::string_view("\0\0\xFE\xFF", 4))) {
    return InvalidSequence{0, 1, 1, "a UTF-32 byte-order mark"};
  }
  if (starts_with_bytes(text, "\xFF\xFE") || starts_with_bytes(text, "\xFE\xFF")) {
    return InvalidSequence{0, 1, 1, "a UTF-16 byte-order mark"};
  }
  std::size_t i = starts_with_bytes(text, "\xEF\xBB\xBF") ? 3 : 0;
  int line = 1;
  int column = 1;
  while (i < text.size()) {
    if (text[i] == '\0') return InvalidSequence{i, line, column, "a NUL byte"};
    const std::size_t length = sequence_length(text, i);
    if (length == 0) {
      return InvalidSequence{i, line, column,
                             fmt::format("byte 0x{:02X}", static_cast<unsigned char>(text[i]))};
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace sim::utf8
