#include "sim/output/atomic_text_file.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <fstream>

#include "sim/output/output_file.hpp"

namespace sim {

namespace fs = std::filesystem;

void write_text_file_atomically(const fs::path& path, const std::string& text) {
  std::error_code error;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), error);
  if (error) {
    throw OutputError(fmt::format("cannot create the folder of '{}': {}", path.string(), error.message()));
  }
  fs::path partial = path;
  partial += fmt::format(".partial-{}", static_cast<long>(::getpid()));
  {
    std::ofstream out(partial);
    out << text;
    out.flush();
    if (!out) {
      out.close();
      fs::remove(partial, error);
      throw OutputError(fmt::format("cannot write '{}'", partial.string()));
    }
  }
  fs::rename(partial, path, error);
  if (error) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw OutputError(fmt::format("cannot write '{}': {}", path.string(), error.message()));
  }
}

}  // namespace sim
