#pragma once
// UTF-8 checks for text people give us. yaml-cpp reads invalid UTF-8 without complaint (it
// substitutes U+FFFD), so a scenario saved as Latin-1 or UTF-16 would load with its text silently
// changed; the loader checks the bytes first and reports where the first bad one is.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sim::utf8 {

// Where the first byte sequence that is not UTF-8 starts: 1-based line, and column counted in
// characters (as editors show them), plus what was found there.
struct InvalidSequence {
  std::size_t offset = 0;  // in bytes from the start of the text
  int line = 1;
  int column = 1;
  std::string description;  // "byte 0xE9", "a UTF-16 byte-order mark", "a NUL byte"
};

// Nothing when `text` is well-formed UTF-8 (an initial UTF-8 byte-order mark is allowed) without
// NUL bytes; otherwise the first problem. Overlong forms, surrogates and code points above
// U+10FFFF are invalid, as the standard says.
std::optional<InvalidSequence> find_invalid(std::string_view text);

}  // namespace sim::utf8
