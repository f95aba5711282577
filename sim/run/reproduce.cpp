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
  if (manifest_text(original, "model") != config.text("model")) {
    report.problems.push_back(fmt::format("the manifest says model '{}' but its scenario says '{}'",
                                          manifest_text(original, "model"), config.text("model")));
  }
  for (const std::string key : {"seed", "replicates", "steps"}) {
    const std::string stated = manifest_text(original, key);
    if (stated != std::to_string(config.integer(key))) {
      report.problems.push_back(
          fmt::format("the manifest says {} {} but its scenario says {}", key, stated, config.integer(key)));
    }
  }
  const std::string version = manifest_text(original, "innosim_version");
  const std::string commit = manifest_text(original, "git_commit");
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

std::string format_reproduce_report(const ReproduceRequest& request, const ReproduceReport& report) {
  using Detail = ReproduceRequest::Detail;
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
  std::string text = "Reproducing " + report.heading + "\n";
  for (const auto& note : report.notes) text += "note: " + note + "\n";
  // 20 differing datasets fit on a screen with the heading, notes and verdict; --all lists them all.
  constexpr std::size_t kMaxListed = 20;
  const bool all = request.detail == Detail::all;
  text += format_comparison(report.comparison, "the file", "the re-run", !all, all ? SIZE_MAX : kMaxListed);
  for (const auto& problem : report.problems) text += "  PROBLEM    " + problem + "\n";
  text += verdict;
  if (!request.rerun_output.empty()) text += "The re-run is in " + request.rerun_output.string() + ".\n";
  return text;
}

}  // namespace sim
