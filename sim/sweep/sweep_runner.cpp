#include "sim/sweep/sweep_runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/output/atomic_text_file.hpp"
#include "sim/output/output_file.hpp"
#include "sim/run/checkpoint.hpp"
#include "sim/run/progress.hpp"
#include "sim/run/runner.hpp"
#include "sim/sweep/sweep_index_file.hpp"

namespace sim {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kIdentityFileName = "sweep.id";

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

std::string read_identity(const fs::path& directory) {
  std::ifstream in(directory / kIdentityFileName);
  std::string key;
  std::string value;
  while (in >> key >> value) {
    if (key == "sweep_sha256") return value;
  }
  return "";
}

void write_identity(const SweepPlan& plan, const fs::path& directory) {
  write_text_file_atomically(directory / kIdentityFileName,
                             fmt::format("sweep_sha256 {}\nsweep_file {}\npoints {}\n", plan.sha256,
                                         plan.spec.file.string(), plan.point_count()));
}

void make_directory(const fs::path& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (error || !fs::is_directory(directory)) {
    throw OutputError(fmt::format("cannot create the sweep folder {}: {}", quoted(directory),
                                  error ? error.message() : "a file of that name exists"));
  }
}

// The scenario hash a finished point file was run with; "" when the file cannot be read.
std::string point_scenario_sha256(const fs::path& file) {
  try {
    return read_string_attribute(file, "/manifest", "scenario_sha256");
  } catch (const OutputError&) {
    return "";
  }
}

std::string format_indices(const std::vector<std::size_t>& points) {
  std::string text;
  for (std::size_t k = 0; k < points.size() && k < 10; ++k)
    text += (k ? ", " : "") + std::to_string(points[k]);
  if (points.size() > 10) text += ", ...";
  return text;
}

std::string log_time() { return utc_timestamp(); }

}  // namespace

SweepLog::SweepLog(const fs::path& directory, const std::string& name)
    : path_(directory / "logs" / (name + ".log")) {
  std::error_code ignored;
  fs::create_directories(path_.parent_path(), ignored);
}

void SweepLog::line(const std::string& text) {
  std::ofstream out(path_, std::ios::app);
  out << log_time() << " " << text << "\n";
}

std::vector<std::size_t> missing_points(const SweepPlan& plan, const fs::path& directory) {
  std::vector<std::size_t> missing;
  for (std::size_t point = 0; point < plan.point_count(); ++point) {
    if (!fs::exists(directory / point_file_name(point))) missing.push_back(point);
  }
  return missing;
}

std::vector<std::size_t> prepare_sweep_directory(const SweepPlan& plan, const SweepOptions& options) {
  const fs::path& directory = options.directory;
  make_directory(directory);
  make_directory(directory / "points");
  const std::string existing = read_identity(directory);
  if (!existing.empty() && existing != plan.sha256 && !options.force) {
    throw OutputError(fmt::format(
        "{} holds another sweep: its design or scenarios differ from {} (sweep {} there, {} now). "
        "Use --force to keep the points that still match and re-run the others, or choose another folder "
        "with -o",
        quoted(directory), quoted(plan.spec.file), existing.substr(0, 12), plan.sha256.substr(0, 12)));
  }
  std::vector<std::size_t> to_run;
  std::vector<std::size_t> mismatched;
  for (std::size_t point = 0; point < plan.point_count(); ++point) {
    const fs::path file = directory / point_file_name(point);
    if (!fs::exists(file)) {
      to_run.push_back(point);
      continue;
    }
    if (point_scenario_sha256(file) == plan.point_sha256[point]) continue;  // finished: never rewritten
    if (!options.force) {
      mismatched.push_back(point);
      continue;
    }
    std::error_code error;
    fs::remove(file, error);
    if (error) throw OutputError(fmt::format("cannot remove {}: {}", quoted(file), error.message()));
    to_run.push_back(point);
  }
  if (!mismatched.empty()) {
    throw OutputError(fmt::format(
        "{} has {} point file(s) run with another scenario than {} now gives them (points {}); use --force "
        "to re-run them, or choose another folder with -o",
        quoted(directory), mismatched.size(), quoted(plan.spec.file), format_indices(mismatched)));
  }
  if (options.force && existing != plan.sha256) {
    // Checkpoints of unfinished points were written for the old sweep's scenarios: a resume would
    // refuse them.
    for (const std::size_t point : to_run) {
      std::error_code ignored;
      fs::remove_all(CheckpointStore::directory_for(directory / point_file_name(point)), ignored);
    }
  }
  if (options.force) {
    // Points beyond the current design belong to the old sweep.
    for (std::size_t point = plan.point_count();; ++point) {
      const fs::path file = directory / point_file_name(point);
      if (!fs::exists(file)) break;
      fs::remove(file);
    }
  }
  if (existing != plan.sha256) write_identity(plan, directory);
  return to_run;
}

std::vector<std::size_t> shard_points(const std::vector<std::size_t>& points, const SweepOptions& options) {
  std::vector<std::size_t> mine;
  for (const std::size_t point : points) {
    if (point % options.shard_count == options.shard_index) mine.push_back(point);
  }
  return mine;
}

void run_sweep_point(const SweepPlan& plan, std::size_t point, const SweepOptions& options,
                     const std::vector<ModelDefinition>& models) {
  RunRequest request;
  request.config = point_config(plan, point, models);
  request.model = find_model(models, request.config.text("model"));
  request.output = options.directory / point_file_name(point);
  request.overwrite = false;
  request.threads = options.threads;
  request.command_line = options.command_line + fmt::format("  # sweep point {}", point);
  // A point killed mid-way resumes from its checkpoints when the sweep runs again.
  request.checkpoint_every = options.checkpoint_every;
  request.resume = options.checkpoint_every > 0;
  static_cast<void>(run_scenario(request));
}

SweepSummary run_sweep(const SweepPlan& plan, const SweepOptions& options,
                       const std::vector<ModelDefinition>& models) {
  const auto start = Clock::now();
  SweepSummary summary;
  summary.points = plan.point_count();
  const std::vector<std::size_t> missing = prepare_sweep_directory(plan, options);
  summary.already_done = summary.points - missing.size();
  const std::vector<std::size_t> mine = shard_points(missing, options);
  const std::string log_name = options.shard_count > 1
                                   ? fmt::format("shard-{}-of-{}", options.shard_index, options.shard_count)
                                   : "main";
  SweepLog log(options.directory, log_name);
  log.line(fmt::format("start: {} points in the design, {} already done, {} to run here; {}", summary.points,
                       summary.already_done, mine.size(), options.command_line));
  {
    Progress progress("sweep", static_cast<std::int64_t>(mine.size()), options.show_progress,
                      static_cast<std::int64_t>(summary.already_done));
    for (const std::size_t point : mine) {
      progress.started();
      const auto point_start = Clock::now();
      log.line(fmt::format("point {} started", point));
      run_sweep_point(plan, point, options, models);
      log.line(fmt::format("point {} done in {:.3f} s", point,
                           std::chrono::duration<double>(Clock::now() - point_start).count()));
      progress.finished();
      ++summary.run_here;
    }
  }
  summary.still_missing = missing_points(plan, options.directory).size();
  if (summary.still_missing == 0) {
    write_sweep_index(plan, options.directory, options.command_line);
    summary.index_written = true;
    log.line("sweep.h5 written");
  } else {
    log.line(fmt::format("{} points still missing (other shards); sweep.h5 not written yet",
                         summary.still_missing));
  }
  summary.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

std::string format_sweep_summary(const SweepPlan& plan, const SweepOptions& options,
                                 const SweepSummary& summary) {
  std::string text =
      fmt::format("Sweep {} ({} design, {} parameter{}, {} points x {} replicate{}): ran {} point{} in {}",
                  plan.spec.file.string(), design_method_name(plan.spec.method), plan.names.size(),
                  plan.names.size() == 1 ? "" : "s", summary.points, plan.spec.base.integer("replicates"),
                  plan.spec.base.integer("replicates") == 1 ? "" : "s", summary.run_here,
                  summary.run_here == 1 ? "" : "s", format_duration(summary.wall_seconds));
  if (summary.already_done > 0) text += fmt::format(" ({} finished earlier, kept)", summary.already_done);
  text += ".";
  if (summary.index_written) {
    text += fmt::format(" Output: {} (index {}).", options.directory.string(),
                        (options.directory / kSweepIndexFileName).string());
  } else {
    text += fmt::format(
        " {} point{} still missing (other shards or ranks); the index {} is written by whichever run "
        "finds none missing (run the same command without --shard to finish).",
        summary.still_missing, summary.still_missing == 1 ? " is" : "s are",
        (options.directory / kSweepIndexFileName).string());
  }
  return text;
}

}  // namespace sim
