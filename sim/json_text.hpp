#pragma once
// JSON text for the engine's machine-readable outputs (`innosim schema --json`, `--profile-json`):
// strings and numbers written so that any JSON parser reads them back exactly.
#include <string>

namespace sim {

// "text" with quotes, backslashes and control characters escaped; UTF-8 passes through.
std::string json_string(const std::string& text);
// The shortest text that reads back as the same double; NaN and infinities, which JSON cannot
// hold, become null so a reader sees "no value" rather than a parse error.
std::string json_number(double value);

}  // namespace sim
