#include "sim/runner.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <chrono>
#include <ctime>
#include <optional>

#include "sim/build_info.hpp"
#include "sim/progress.hpp"
#include "sim/sha256.hpp"
#include "sim/thread_limit.hpp"

namespace sim {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

Manifest make_manifest(const RunRequest& request, std::size_t threads) {
  Manifest manifest;
  manifest.scenario_yaml = request.config.to_yaml();
  manifest.scenario_sha256 = sha256_hex(manifest.scenario_yaml);
  manifest.seed = request.config.integer("seed");
  manifest.replicates = request.config.integer("replicates");
  manifest.steps = request.config.integer("steps");
  manifest.innosim_version = innosim_version();
  manifest.git_commit = git_commit();
  manifest.build_type = build_type();
  manifest.command_line = request.command_line;
  manifest.threads = static_cast<std::int64_t>(threads);
  manifest.created_utc = utc_timestamp();
  manifest.hostname = host_name();
  manifest.model = request.model->name;
  return manifest;
}

// Adds phase timings of one replicate into the run's totals.
void accumulate_timings(std::vector<PhaseTiming>& totals, const std::vector<PhaseTiming>& replicate) {
  if (totals.empty()) {
    totals = replicate;
    return;
  }
  for (std::size_t p = 0; p < totals.size() && p < replicate.size(); ++p) {
    totals[p].seconds += replicate[p].seconds;
    totals[p].calls += replicate[p].calls;
  }
}

class RunWriter {
 public:
  RunWriter(const RunRequest& request, std::size_t threads) {
    if (request.output.empty()) return;
    file_.emplace(request.output, request.overwrite);
    file_->write_manifest(make_manifest(request, threads));
    snapshot_every_ = request.config.integer("output.snapshot_every");
    write_events_ = request.config.boolean("output.events");
  }

  void define_metrics(const std::vector<MetricInfo>& metrics, std::int64_t replicates, std::int64_t steps) {
    timed([&] { file_->define_metrics(metrics, replicates, steps); });
  }

  void after_step(Model& model, std::int64_t replicate, std::int64_t step) {
    auto events = model.take_events();
    if (!file_) return;
    timed([&] {
      if (snapshot_every_ > 0 && step % snapshot_every_ == 0) {
        for (const Population* population : model.populations()) {
          file_->append_rows("agents/" + population->kind(), population->snapshot(replicate, step));
        }
      }
      if (write_events_) {
        for (auto& [kind, rows] : events) file_->append_rows("events/" + kind, rows);
      }
    });
  }

  void write_metrics(std::int64_t replicate, const std::vector<std::vector<double>>& series) {
    timed([&] { file_->write_metrics(replicate, series); });
  }

  void commit() {
    timed([&] { file_->commit(); });
  }

  [[nodiscard]] bool active() const { return file_.has_value(); }
  [[nodiscard]] double seconds() const { return seconds_; }

 private:
  template <class F>
  void timed(F&& work) {
    if (!file_) return;
    const auto start = Clock::now();
    work();
    seconds_ += seconds_since(start);
  }

  std::optional<OutputFile> file_;
  std::int64_t snapshot_every_ = 0;
  bool write_events_ = false;
  double seconds_ = 0.0;
};

}  // namespace

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

RunResult run_scenario(const RunRequest& request) {
  const auto start = Clock::now();
  ThreadLimit thread_limit(request.threads);
  const Config& config = request.config;
  RunResult result;
  result.threads = thread_limit.threads();
  result.replicates = config.integer("replicates");
  result.steps = config.integer("steps");

  RunWriter writer(request, result.threads);
  Progress progress(request.model->name, result.replicates * result.steps, request.show_progress);

#ifndef NDEBUG
  const bool every_phase = true;  // debug builds check invariants at every phase boundary
#else
  const bool every_phase = request.check_invariants;
#endif

  for (std::int64_t replicate = 0; replicate < result.replicates; ++replicate) {
    const ReplicateContext context{static_cast<std::uint64_t>(config.integer("seed")),
                                   static_cast<std::uint64_t>(replicate), every_phase};
    auto model = request.model->create(config, context);
    if (replicate == 0) {
      result.metrics = model->metrics();
      result.mean_series.assign(result.metrics.size(), std::vector<double>(result.steps + 1, 0.0));
      if (writer.active()) writer.define_metrics(result.metrics, result.replicates, result.steps);
    }
    std::vector<std::vector<double>> series(result.metrics.size(), std::vector<double>(result.steps + 1));
    std::vector<double> values(result.metrics.size());
    const auto record = [&](std::int64_t step) {
      model->measure(values);
      for (std::size_t m = 0; m < values.size(); ++m) series[m][step] = values[m];
    };

    model->check_invariants(0, "initial state");
    record(0);
    writer.after_step(*model, replicate, 0);
    for (std::int64_t step = 1; step <= result.steps; ++step) {
      result.agent_steps += model->agent_count();
      model->step(step);
      model->check_invariants(step, "end of step");
      record(step);
      writer.after_step(*model, replicate, step);
      progress.advance();
    }
    writer.write_metrics(replicate, series);
    for (std::size_t m = 0; m < series.size(); ++m) {
      for (std::int64_t t = 0; t <= result.steps; ++t) {
        result.mean_series[m][t] += series[m][t] / static_cast<double>(result.replicates);
      }
    }
    accumulate_timings(result.phase_timings, model->scheduler().timings());
  }
  progress.finish();
  if (writer.active()) {
    writer.commit();
    result.output = request.output;
  }
  result.output_seconds = writer.seconds();
  result.wall_seconds = seconds_since(start);
  return result;
}

std::string format_run_summary(const RunRequest& request, const RunResult& result) {
  std::string text = fmt::format(
      "Ran model '{}' from {}: {} replicate{} x {} steps on {} thread{} in {} ({:.3g} agent-steps/s).",
      request.model->name, request.config.source_description(), result.replicates,
      result.replicates == 1 ? "" : "s", result.steps, result.threads, result.threads == 1 ? "" : "s",
      format_duration(result.wall_seconds),
      static_cast<double>(result.agent_steps) / std::max(result.wall_seconds, 1e-9));
  if (!result.output.empty()) {
    text += fmt::format(" Output: {} (inspect it with `innosim inspect {}`).", result.output.string(),
                        result.output.string());
  } else {
    text += " No output file was written.";
  }
  if (request.model->describe_findings) {
    text += "\n" + request.model->describe_findings(result.metrics, result.mean_series);
  } else {
    text += "\nMetrics (mean over replicates), step 0 -> last step:";
    for (std::size_t m = 0; m < result.metrics.size(); ++m) {
      text +=
          fmt::format("\n  {:<32} {:>12.6g} -> {:<12.6g} {}", result.metrics[m].name,
                      result.mean_series[m].front(), result.mean_series[m].back(), result.metrics[m].unit);
    }
  }
  return text;
}

std::string format_phase_profile(const RunResult& result) {
  double total = 0.0;
  for (const auto& timing : result.phase_timings) total += timing.seconds;
  std::string text = fmt::format("{:<28} {:>10} {:>8} {:>14}\n", "phase", "seconds", "share", "ms per step");
  for (const auto& timing : result.phase_timings) {
    text += fmt::format("{:<28} {:>10.3f} {:>7.1f}% {:>14.3f}\n", timing.name, timing.seconds,
                        100.0 * timing.seconds / std::max(total, 1e-12),
                        1e3 * timing.seconds / static_cast<double>(std::max<std::int64_t>(timing.calls, 1)));
  }
  text += fmt::format("{:<28} {:>10.3f}\n", "output (HDF5)", result.output_seconds);
  text += fmt::format("{:<28} {:>10.3f}\n", "wall time", result.wall_seconds);
  return text;
}

}  // namespace sim
