#pragma once
// A fresh directory under the system's temporary directory, removed with everything in it when the
// test ends. Tests that write files use one each, so they never see each other's files.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <system_error>

namespace test_support {

struct ScratchDirectory {
  std::filesystem::path path;

  explicit ScratchDirectory(const std::string& label = "innosim-test") {
    std::random_device entropy;
    path = std::filesystem::temp_directory_path() /
           (label + "-" + std::to_string(entropy()) + "-" + std::to_string(entropy()));
    std::filesystem::create_directories(path);
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  // Writes `text` to `name` (relative to the directory; its folders are created); returns the path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }
};

}  // namespace test_support
