#include "usage_errors.hpp"

#include <filesystem>
#include <system_error>
#include <vector>

#include "sim/scenario/input_error.hpp"

namespace innosim_app {

namespace fs = std::filesystem;

std::optional<std::string> unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  const std::string word = argv[1];
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (command->get_name() == word) return std::nullopt;
    names.push_back(command->get_name());
  }
  return "unknown command '" + word + "'" + sim::did_you_mean(word, names) +
         " (innosim --help lists the commands)";
}

namespace {

// The entry of `path`'s folder closest to its name, written the way the user wrote the folder.
std::string nearest_sibling(const fs::path& path) {
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code error;
  std::vector<std::string> names;
  for (fs::directory_iterator entry(folder, error), end; !error && entry != end; entry.increment(error)) {
    names.push_back(entry->path().filename().string());
  }
  const std::string nearest = sim::nearest_name(path.filename().string(), names);
  if (nearest.empty()) return "";
  return path.has_parent_path() ? (path.parent_path() / nearest).string() : nearest;
}

std::string check_existing_file(const std::string& text) {
  const fs::path path(text);
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::is_regular_file(status) || fs::is_character_file(status) || fs::is_fifo(status)) return "";
  if (fs::is_directory(status)) return "'" + text + "' is a folder, not a file";
  if (path.has_parent_path() && !fs::is_directory(path.parent_path(), error)) {
    return "no such file '" + text + "' (there is no folder '" + path.parent_path().string() + "')";
  }
  const std::string nearest = nearest_sibling(path);
  return "no such file '" + text + "'" + (nearest.empty() ? "" : "; did you mean '" + nearest + "'?");
}

}  // namespace

CLI::Validator existing_file_with_suggestion() {
  return CLI::Validator(check_existing_file, "FILE", "existing file");
}

}  // namespace innosim_app
