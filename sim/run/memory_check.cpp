#include "sim/run/memory_check.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "sim/scenario/input_error.hpp"

namespace sim {

namespace {

std::optional<std::uint64_t> meminfo_available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::uint64_t kibibytes = 0;
  std::string unit;
  while (in >> key >> kibibytes >> unit) {
    if (key == "MemAvailable:") return kibibytes * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> read_number(const char* path) {
  std::ifstream in(path);
  std::uint64_t value = 0;
  if (in >> value) return value;  // "max" (no limit) does not read as a number
  return std::nullopt;
}

}  // namespace

AvailableMemory available_memory() {
  AvailableMemory available;
  if (const auto bytes = meminfo_available_bytes()) {
    available = {*bytes, "this machine has {} available"};
  } else {
    const long pages = sysconf(_SC_AVPHYS_PAGES);
    const long page_size = sysconf(_SC_PAGESIZE);
    available = {
        static_cast<std::uint64_t>(std::max(pages, 0L)) * static_cast<std::uint64_t>(std::max(page_size, 0L)),
        "this machine has {} available"};
  }
  // A container's limit (cgroup v2) is what the kernel enforces, whatever the machine has.
  if (const auto limit = read_number("/sys/fs/cgroup/memory.max")) {
    const std::uint64_t used = read_number("/sys/fs/cgroup/memory.current").value_or(0);
    const std::uint64_t left = *limit > used ? *limit - used : 0;
    if (left < available.bytes) available = {left, "this container has {} available"};
  }
  rlimit address_space{};
  if (getrlimit(RLIMIT_AS, &address_space) == 0 && address_space.rlim_cur != RLIM_INFINITY &&
      address_space.rlim_cur < available.bytes) {
    available = {address_space.rlim_cur, "this process may use {} (ulimit -v)"};
  }
  return available;
}

std::string format_bytes(std::uint64_t bytes) {
  constexpr double kKibibyte = 1024.0;
  const double value = static_cast<double>(bytes);
  if (value >= kKibibyte * kKibibyte * kKibibyte)
    return fmt::format("{:.3g} GiB", value / (kKibibyte * kKibibyte * kKibibyte));
  if (value >= kKibibyte * kKibibyte) return fmt::format("{:.3g} MiB", value / (kKibibyte * kKibibyte));
  return fmt::format("{:.3g} KiB", value / kKibibyte);
}

std::size_t replicates_that_fit(const ModelDefinition& model, const Config& config, std::size_t wanted,
                                const AvailableMemory& available) {
  wanted = std::max<std::size_t>(wanted, 1);
  if (!model.estimate_memory_bytes) return wanted;
  const std::uint64_t per_replicate = std::max<std::uint64_t>(model.estimate_memory_bytes(config), 1);
  if (per_replicate > available.bytes) {
    const std::string& parameter = model.size_parameter;
    const std::string what = parameter.empty() ? fmt::format("model '{}'", model.name)
                                               : fmt::format("{} = {}", parameter, config.integer(parameter));
    throw InputError(parameter.empty() ? config.location("") : config.location(parameter),
                     fmt::format("{} would need about {} of memory; {}", what, format_bytes(per_replicate),
                                 fmt::format(fmt::runtime(available.phrase), format_bytes(available.bytes))));
  }
  return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, available.bytes / per_replicate));
}

}  // namespace sim
