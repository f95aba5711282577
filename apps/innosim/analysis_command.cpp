#include "analysis_command.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <system_error>

namespace innosim_app {

namespace fs = std::filesystem;

namespace {

// Debian's python3-* packages (numpy, h5py, scipy, ...) are seen by this interpreter only.
constexpr const char* kPython = "/usr/bin/python3";

bool holds_package(const fs::path& folder) {
  std::error_code error;
  return fs::is_regular_file(folder / "analysis" / "__main__.py", error);
}

}  // namespace

CLI::App* add_analysis_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "analysis",
      "Run the Python analysis package from any folder: innosim analysis summary RUN.h5 (same as "
      "/usr/bin/python3 -m analysis ...; innosim analysis --help lists its commands)");
  command->prefix_command();
  command->allow_extras();
  command->set_help_flag();  // --help goes to the package, which lists its own commands
  return command;
}

std::optional<fs::path> analysis_package_root() {
  std::vector<fs::path> candidates;
  std::error_code error;
  const fs::path executable = fs::read_symlink("/proc/self/exe", error);
  if (!error) {
    candidates.push_back(executable.parent_path().parent_path());
    candidates.push_back(executable.parent_path().parent_path() / "share" / "innosim" / "python");
  }
#ifdef INNOSIM_SOURCE_DIR
  candidates.emplace_back(INNOSIM_SOURCE_DIR);
#endif
  for (const auto& folder : candidates) {
    if (holds_package(folder)) return folder;
  }
  return std::nullopt;
}

int analysis_command(const std::vector<std::string>& arguments) {
  const auto root = analysis_package_root();
  if (!root) {
    std::cerr << "innosim analysis: cannot find the analysis package (analysis/__main__.py) beside "
                 "this executable or in the source folder it was built from\n";
    return 2;
  }
  const char* previous = std::getenv("PYTHONPATH");
  const std::string python_path =
      root->string() + (previous != nullptr && *previous != '\0' ? ":" + std::string(previous) : "");
  setenv("PYTHONPATH", python_path.c_str(), 1);
  std::vector<std::string> words{"python3", "-m", "analysis"};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (auto& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  std::cout.flush();
  execv(kPython, argv.data());
  std::cerr << "innosim analysis: cannot start " << kPython << ": " << std::strerror(errno) << "\n";
  return 4;
}

}  // namespace innosim_app
