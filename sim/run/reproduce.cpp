#include "sim/run/reproduce.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <optional>

#include "sim/output/hdf5/attribute.hpp"
#include "sim/output/hdf5/error.hpp"
#include "sim/output/hdf5/file.hpp"
#include "sim/output/hdf5/group.hpp"
#include "sim/output/hdf5/handle.hpp"
#include "sim/output/hdf5/library.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/output_inspect.hpp"
#include "sim/output/sha256.hpp"
#include "sim/run/build_info.hpp"
#include "sim/run/runner.hpp"

namespace sim {

namespace {

namespace fs = std::filesystem;

// A manifest attribute as text (integers in decimal), or an error saying the file cannot be reproduced.
std::string manifest_text(const fs::path& file, const std::string& name) {
  hdf5::skip_library_teardown_at_exit();
  const hdf5::QuietErrorStack quiet;
  try {
    const hdf5::Handle handle = hdf5::open_file_read_only(file);
    const hdf5::Handle manifest = hdf5::open_object(handle.get(), "manifest");
    if (hdf5::has_attribute(manifest.get(), name)) return hdf5::read_attribute_as_text(manifest.get(), name);
  } catch (const hdf5::Error&) {
  }
  throw OutputError(
      fmt::format("'{}' has no manifest attribute '{}': it cannot be reproduced (is it an "
                  "innosim run file?)",
                  file.string(), name));
}

// A manifest attribute that files written before it existed lack.
std::string optional_manifest_text(const fs::path& file, const std::string& name) {
  try {
    return manifest_text(file, name);
  } catch (const OutputError&) {
    return "unknown (not recorded)";
  }
}

// One line per version that differs between the file and this binary.
std::vector<std::string> version_differences(const fs::path& original, const ModelDefinition* model) {
  struct Version {
    std::string what, in_file, here;
  };
  const std::vector<Version> versions = {
      {"model version", optional_manifest_text(original, "model_version"),
       model == nullptr ? std::string("none (no such model here)") : model->version},
      {"scenario schema version", optional_manifest_text(original, "schema_version"),
       std::to_string(kScenarioSchemaVersion)},
      {"git commit", manifest_text(original, "git_commit"), git_commit()},
  };
  std::vector<std::string> lines;
  for (const auto& version : versions) {
    if (version.in_file == version.here) continue;
    lines.push_back(fmt::format("{}: {} in the file, {} here", version.what, version.in_file, version.here));
  }
  return lines;
}

// A temporary folder removed when the reproduction ends, whatever way it ends.
class TemporaryFolder {
 public:
  TemporaryFolder()
      : path_(fs::temp_directory_path() /
              fmt::format("innosim-reproduce-{}", static_cast<long>(::getpid()))) {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
    fs::create_directories(path_);
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  [[nodiscard]] const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

ReproduceReport reproduce_run(const ReproduceRequest& request, const std::vector<ModelDefinition>& models) {
  const fs::path& original = request.original;
  ReproduceReport report;
  // describe_output checks that the file is a readable innosim output, with its own messages.
  static_cast<void>(describe_output(original));
  const std::string model_name = manifest_text(original, "model");
  const ModelDefinition* manifest_model = find_model(models, model_name);
  const std::string commit = manifest_text(original, "git_commit");
  report.version_differences = version_differences(original, manifest_model);
  if (!report.version_differences.empty())
    report.rebuild_instructions = rebuild_instructions(original, commit);

  // Another model or scenario language computes something else by design (and the scenario may not
  // even load here): say so and how to get the code that made the file, rather than re-run.
  const bool same_model = manifest_model != nullptr &&
                          optional_manifest_text(original, "model_version") == manifest_model->version;
  const bool same_schema =
      optional_manifest_text(original, "schema_version") == std::to_string(kScenarioSchemaVersion);
  if (!same_model || !same_schema) {
    report.skipped_other_version = true;
    report.heading = fmt::format("{}: model {}, seed {}, {} replicates x {} steps", original.string(),
                                 model_name, manifest_text(original, "seed"),
                                 manifest_text(original, "replicates"), manifest_text(original, "steps"));
    return report;
  }

  const std::string yaml = manifest_text(original, "scenario_yaml");
  const Config config =
      load_scenario_text(yaml, original.string() + ":/manifest/scenario_yaml", build_schema(models));
  const ModelDefinition* model = find_model(models, config.text("model"));
  report.heading = fmt::format("{}: model {}, seed {}, {} replicate{} x {} steps", original.string(),
                               config.text("model"), config.integer("seed"), config.integer("replicates"),
                               config.integer("replicates") == 1 ? "" : "s", config.integer("steps"));

  // The manifest's other attributes must agree with its scenario text; a mismatch means an edit.
  if (manifest_text(original, "scenario_sha256") != sha256_hex(yaml)) {
    report.problems.push_back(
        "the manifest's scenario_yaml does not match its scenario_sha256: the scenario text was edited after "
        "the run");
  }
  if (model_name != config.text("model")) {
    report.problems.push_back(fmt::format("the manifest says model '{}' but its scenario says '{}'",
                                          model_name, config.text("model")));
  }
  for (const std::string key : {"seed", "replicates", "steps"}) {
    const std::string stated = manifest_text(original, key);
    if (stated != std::to_string(config.integer(key))) {
      report.problems.push_back(
          fmt::format("the manifest says {} {} but its scenario says {}", key, stated, config.integer(key)));
    }
  }
  const std::string version = manifest_text(original, "innosim_version");
  if (version != innosim_version() || commit != git_commit()) {
    report.notes.push_back(fmt::format(
        "the file was written by innosim {} (commit {}); this is innosim {} (commit {}): a difference may "
        "come from the change of code rather than from the file",
        version, commit, innosim_version(), git_commit()));
  }
  if (model == nullptr) {
    throw OutputError(fmt::format("'{}' was run with model '{}', which this innosim does not have",
                                  original.string(), config.text("model")));
  }

  std::optional<TemporaryFolder> temporary;
  RunRequest run;
  run.model = model;
  run.config = config;
  if (request.rerun_output.empty()) {
    temporary.emplace();
    run.output = temporary->path() / "rerun.h5";
  } else {
    run.output = request.rerun_output;
  }
  run.threads = request.threads;
  run.show_progress = request.show_progress;
  run.command_line = request.command_line;
  static_cast<void>(run_scenario(run));
  report.comparison = compare_outputs(original, run.output, {"/manifest"}, "the file", "the re-run");
  return report;
}

std::string rebuild_instructions(const fs::path& file, const std::string& commit) {
  const bool is_dirty = commit.ends_with("-dirty");
  const std::string clean = is_dirty ? commit.substr(0, commit.size() - 6) : commit;
  if (clean.empty() || clean.starts_with("unknown")) {
    return "The file does not name the commit that made it, so its code cannot be checked out.\n";
  }
  std::string text;
  if (is_dirty) {
    text += fmt::format(
        "Commit {} had uncommitted changes when it made the file: the nearest code is commit {}, and it may "
        "not reproduce the file exactly.\n",
        commit, clean);
  }
  const std::string folder = "${XDG_CACHE_HOME:-$HOME/.cache}/innosim/commits/" + clean;
  text += fmt::format(
      "To reproduce it with the code that made it, build commit {} and run reproduce there:\n"
      "  scripts/reproduce-at-commit.sh {}\n"
      "which, from a clone of innosim, does:\n"
      "  git worktree add --detach \"{}\" {}\n"
      "  cmake -S \"{}\" -B \"{}/build\" -G Ninja -DCMAKE_BUILD_TYPE=Release && "
      "cmake --build \"{}/build\" --target innosim\n"
      "  \"{}/build/innosim\" reproduce {}\n",
      clean, file.string(), folder, clean, folder, folder, folder, folder, file.string());
  return text;
}

std::string format_reproduce_report(const ReproduceRequest& request, const ReproduceReport& report) {
  using Detail = ReproduceRequest::Detail;
  std::string heading = "Reproducing " + report.heading + "\n";
  for (const auto& note : report.notes) heading += "note: " + note + "\n";
  if (!report.version_differences.empty()) {
    heading += "Versions that differ between the code that wrote the file and this innosim:\n";
    for (const auto& line : report.version_differences) heading += "  " + line + "\n";
  }
  if (report.skipped_other_version) {
    const std::string verdict = fmt::format(
        "NOT re-run: {} was made by another model or scenario-schema version, which computes other results "
        "by design.\n",
        request.original.string());
    if (request.detail == Detail::quiet) return verdict;
    return heading + verdict + report.rebuild_instructions;
  }
  const std::size_t total = report.comparison.datasets.size();
  std::string verdict;
  if (report.reproduced()) {
    verdict = fmt::format("Reproduced: all {} datasets of {} are identical to a fresh run.\n", total,
                          request.original.string());
  } else {
    verdict = fmt::format(
        "NOT reproduced: {} of {} datasets differ{}.\n", report.comparison.differing(), total,
        report.problems.empty() ? "" : fmt::format(" and {} manifest problem(s)", report.problems.size()));
  }
  if (request.detail == Detail::quiet) return verdict;
  std::string text = heading;
  // 20 differing datasets fit on a screen with the heading, notes and verdict; --all lists them all.
  constexpr std::size_t kMaxListed = 20;
  const bool all = request.detail == Detail::all;
  text += format_comparison(report.comparison, "the file", "the re-run", !all, all ? SIZE_MAX : kMaxListed);
  for (const auto& problem : report.problems) text += "  PROBLEM    " + problem + "\n";
  text += verdict;
  if (!request.rerun_output.empty()) text += "The re-run is in " + request.rerun_output.string() + ".\n";
  text += report.rebuild_instructions;
  return text;
}

}  // namespace sim
