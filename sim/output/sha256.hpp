#pragma once
#include <string>

namespace sim {
// Lower-case hex SHA-256 of `text` (OpenSSL), for the manifest's scenario_sha256.
std::string sha256_hex(const std::string& text);
}  // namespace sim
