#include "sim/run/runner.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include "sim/output/background_worker.hpp"
#include "sim/output/output_file.hpp"
#include "sim/output/row_spool.hpp"
#include "sim/output/sha256.hpp"
#include "sim/run/build_info.hpp"
#include "sim/run/checkpoint.hpp"
#include "sim/run/memory_check.hpp"
#include "sim/run/progress.hpp"
#include "sim/run/thread_limit.hpp"

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
  manifest.model_version = request.model->version;
  manifest.schema_version = kScenarioSchemaVersion;
  return manifest;
}

std::optional<CheckpointStore> open_checkpoints(const RunRequest& request) {
  if (request.checkpoint_every <= 0 || request.output.empty()) return std::nullopt;
  const Manifest manifest = make_manifest(request, 0);
  return CheckpointStore(
      request.output,
      {manifest.innosim_version, manifest.git_commit, manifest.model_version, manifest.scenario_sha256},
      request.resume, request.overwrite);
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

// What one replicate produced that must reach the file in replicate order: its metric series, and
// the panel and event rows not yet written.
struct ReplicateRecord {
  std::vector<MetricInfo> metrics;
  std::vector<std::vector<double>> series;              // [metric][step]
  std::vector<std::pair<std::string, TableRows>> rows;  // in step order
  std::filesystem::path spool;  // with checkpoints: every row of the replicate, in a RowSpool file
  std::vector<PhaseTiming> timings;
  std::uint64_t agent_steps = 0;
  std::size_t initial_agents = 0;
  std::size_t peak_agents = 0;
  std::vector<PopulationProfile> populations;
};

// Counts each population's rows into `profiles` (made on first use) before `step` runs
// (`before_step`) or after it.
void count_population_rows(std::vector<PopulationProfile>& profiles, const Model& model, std::int64_t step,
                           bool before_step) {
  const auto populations = model.populations();
  if (profiles.empty()) {
    for (const Population* population : populations) profiles.push_back({population->kind()});
  }
  for (std::size_t k = 0; k < populations.size() && k < profiles.size(); ++k) {
    const std::size_t rows = populations[k]->size();
    if (before_step) {
      profiles[k].row_steps += rows;
      continue;
    }
    if (step == 0) profiles[k].rows_at_step_0 = rows;
    profiles[k].peak_rows = std::max(profiles[k].peak_rows, rows);
  }
}

// Merges one replicate's population profile into the run's.
void accumulate_populations(std::vector<PopulationProfile>& totals,
                            const std::vector<PopulationProfile>& replicate) {
  if (totals.empty())
    totals = replicate;
  else {
    for (std::size_t k = 0; k < totals.size() && k < replicate.size(); ++k) {
      totals[k].rows_at_step_0 = std::max(totals[k].rows_at_step_0, replicate[k].rows_at_step_0);
      totals[k].peak_rows = std::max(totals[k].peak_rows, replicate[k].peak_rows);
      totals[k].row_steps += replicate[k].row_steps;
    }
  }
}

// Writes replicates in replicate order whatever order they finish in, so the file (and the
// long-format row order of every table) does not depend on threads. The replicate at the head of
// the queue streams its rows as it goes; the others buffer theirs until they become the head.
// Replicates hand their writes over under one mutex; one background thread makes every HDF5
// call, in that order, while the replicates compute their next steps.
class OrderedRunWriter {
 public:
  OrderedRunWriter(const RunRequest& request, std::size_t threads, RunResult& result)
      : result_(result),
        replicates_(result.replicates),
        finished_(static_cast<std::size_t>(result.replicates)) {
    if (request.output.empty()) return;
    file_.emplace(request.output, request.overwrite);
    file_->write_manifest(make_manifest(request, threads));
    worker_.emplace(kQueuedWrites);
  }

  [[nodiscard]] bool active() const { return file_.has_value(); }
  // Seconds the background thread spent writing, and the run spent waiting for it.
  [[nodiscard]] double seconds() const { return worker_ ? worker_->busy_seconds() : 0.0; }
  [[nodiscard]] double waited_seconds() const { return worker_ ? worker_->waited_seconds() : 0.0; }

  // Called by a replicate after each step with its buffered rows: written now when it is the head.
  void offer_rows(std::int64_t replicate, std::vector<std::pair<std::string, TableRows>>& rows) {
    if (!file_ || rows.empty()) return;
    const std::lock_guard lock(mutex_);
    if (replicate != head_) return;
    write_rows(rows);
  }

  // Called once per replicate when it ends; writes it and every finished replicate after it.
  void finish(std::int64_t replicate, ReplicateRecord record) {
    const std::lock_guard lock(mutex_);
    finished_[static_cast<std::size_t>(replicate)] = std::move(record);
    while (head_ < replicates_ && finished_[static_cast<std::size_t>(head_)]) {
      ReplicateRecord& next = *finished_[static_cast<std::size_t>(head_)];
      absorb(head_, next);
      finished_[static_cast<std::size_t>(head_)].reset();
      ++head_;
    }
  }

  void commit() {
    worker_->submit([this] { file_->commit(); });
    worker_->drain();
  }

 private:
  // Adds a replicate to the file and to the run's totals, in replicate order (so the mean over
  // replicates is summed in the same order on any number of threads).
  void absorb(std::int64_t replicate, ReplicateRecord& record) {
    if (replicate == 0) {
      result_.metrics = record.metrics;
      result_.mean_series.assign(result_.metrics.size(), std::vector<double>(result_.steps + 1, 0.0));
      if (file_) {
        worker_->submit([this, metrics = result_.metrics, replicates = result_.replicates,
                         steps = result_.steps] { file_->define_metrics(metrics, replicates, steps); });
      }
    }
    if (file_) {
      write_rows(record.rows);
      if (!record.spool.empty()) {
        worker_->submit([this, spool = record.spool] {
          read_row_spool(spool, [this](const std::string& group, const TableRows& rows) {
            file_->append_rows(group, rows);
          });
        });
      }
      worker_->submit([this, replicate, series = record.series] { file_->write_metrics(replicate, series); });
    }
    for (std::size_t m = 0; m < record.series.size(); ++m) {
      for (std::int64_t t = 0; t <= result_.steps; ++t) {
        result_.mean_series[m][t] += record.series[m][t] / static_cast<double>(result_.replicates);
      }
    }
    accumulate_timings(result_.phase_timings, record.timings);
    result_.agent_steps += record.agent_steps;
    result_.initial_agents = std::max(result_.initial_agents, record.initial_agents);
    result_.peak_agents = std::max(result_.peak_agents, record.peak_agents);
    accumulate_populations(result_.populations, record.populations);
  }

  // Hands the rows to the background writer (which appends them in submission order) and
  // leaves `rows` empty.
  void write_rows(std::vector<std::pair<std::string, TableRows>>& rows) {
    if (!file_ || rows.empty()) return;
    worker_->submit([this, batch = std::move(rows)] {
      for (const auto& [group, table_rows] : batch) file_->append_rows(group, table_rows);
    });
    rows.clear();
  }

  // Steps whose rows may wait for the writer before the run waits for it: enough to smooth out
  // a snapshot step, few enough that buffered rows stay a small part of memory.
  static constexpr std::size_t kQueuedWrites = 2;

  RunResult& result_;
  std::int64_t replicates_;
  std::optional<OutputFile> file_;
  std::mutex mutex_;
  std::int64_t head_ = 0;  // the first replicate not yet written
  std::vector<std::optional<ReplicateRecord>> finished_;
  // After file_: destroyed first, so jobs still queued (after an error) run against a live file.
  std::optional<BackgroundWorker> worker_;
};

// How many replicates may run at once: each one alive holds a whole model, so never more than
// there are threads to run them; within a replicate the phases use the threads left idle.
std::size_t parallel_replicates(const RunRequest& request, std::size_t threads, std::int64_t replicates) {
  std::size_t lanes = std::min<std::size_t>(threads, static_cast<std::size_t>(replicates));
  if (request.max_parallel_replicates > 0) lanes = std::min(lanes, request.max_parallel_replicates);
  return std::max<std::size_t>(lanes, 1);
}

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

  // A size that cannot fit in memory is refused before the output file or any model exists; no
  // more replicates run at once than fit.
  const std::size_t lanes_that_fit = replicates_that_fit(
      *request.model, config, parallel_replicates(request, result.threads, result.replicates),
      available_memory());
  OrderedRunWriter writer(request, result.threads, result);
  // After the writer, which refuses an existing output first; before any replicate starts.
  const std::optional<CheckpointStore> checkpoints = open_checkpoints(request);
  std::atomic<std::int64_t> resumed_steps{0};
  Progress progress(request.model->name, result.replicates * result.steps, request.show_progress);
  const std::int64_t snapshot_every = config.integer("output.snapshot_every");
  const bool write_events = config.boolean("output.events");
  const auto seed = static_cast<std::uint64_t>(config.integer("seed"));

#ifndef NDEBUG
  const bool every_phase = true;  // debug builds check invariants at every phase boundary
#else
  const bool every_phase = request.check_invariants;
#endif

  // `scenario` is the lane's own copy of the scenario: yaml-cpp nodes are not safe to read from
  // several threads at once.
  const auto run_replicate = [&](std::int64_t replicate, const Config& scenario) {
    const ReplicateContext context{seed, static_cast<std::uint64_t>(replicate), every_phase};
    auto model = request.model->create(scenario, context);
    ReplicateRecord record;
    record.metrics = model->metrics();
    record.series.assign(record.metrics.size(), std::vector<double>(result.steps + 1));
    std::vector<double> values(record.metrics.size());
    // With checkpoints, rows go to the replicate's spool and reach the file when it is written.
    std::optional<RowSpool> spool;
    std::int64_t first_step = 0;
    if (checkpoints) {
      const std::optional<ReplicateProgress> resumed = checkpoints->resume(replicate, *model);
      if (resumed) {
        record.series = resumed->series;
        record.agent_steps = resumed->agent_steps;
        record.initial_agents = resumed->initial_agents;
        record.peak_agents = resumed->peak_agents;
        first_step = resumed->step + 1;
        resumed_steps += resumed->step;
        progress.advance(resumed->step);
        model->check_invariants(resumed->step, "restored from a checkpoint");
      }
      spool.emplace(checkpoints->open_spool(replicate, resumed ? resumed->spool_bytes : 0));
      record.spool = spool->path();
    }
    const auto save_checkpoint = [&](std::int64_t step) {
      ReplicateProgress done;
      done.step = step;
      done.series = record.series;
      done.agent_steps = record.agent_steps;
      done.initial_agents = record.initial_agents;
      done.peak_agents = record.peak_agents;
      done.spool_bytes = spool->sync();
      checkpoints->save(replicate, done, *model);
    };
    const auto after_step = [&](std::int64_t step) {
      if (step == 0) record.initial_agents = model->agent_count();
      record.peak_agents = std::max(record.peak_agents, model->agent_count());
      count_population_rows(record.populations, *model, step, false);
      model->measure(values);
      for (std::size_t m = 0; m < values.size(); ++m) record.series[m][step] = values[m];
      auto events = model->take_events();
      if (!writer.active()) return;
      if (snapshot_every > 0 && step % snapshot_every == 0) {
        for (const Population* population : model->populations()) {
          record.rows.emplace_back("agents/" + population->kind(), population->snapshot(replicate, step));
        }
      }
      if (write_events) {
        for (auto& [kind, rows] : events) record.rows.emplace_back("events/" + kind, std::move(rows));
      }
      if (spool) {
        for (const auto& [group, rows] : record.rows) spool->append(group, rows);
        record.rows.clear();
        if (step > 0 && (step % request.checkpoint_every == 0 || step == result.steps)) save_checkpoint(step);
        return;
      }
      writer.offer_rows(replicate, record.rows);
    };

    if (first_step == 0) {
      model->check_invariants(0, "initial state");
      after_step(0);
    }
    for (std::int64_t step = std::max<std::int64_t>(first_step, 1); step <= result.steps; ++step) {
      record.agent_steps += model->agent_count();
      count_population_rows(record.populations, *model, step, true);
      model->step(step);
      model->check_invariants(step, "end of step");
      after_step(step);
      progress.advance();
    }
    if (spool) spool->close();
    record.timings = model->scheduler().timings();
    writer.finish(replicate, std::move(record));
  };

  const std::size_t lanes = lanes_that_fit;
  if (lanes == 1) {
    for (std::int64_t replicate = 0; replicate < result.replicates; ++replicate)
      run_replicate(replicate, config);
  } else {
    // `lanes` tasks each take the next replicate until none is left: at most `lanes` models are
    // alive at once. Isolation keeps a thread that waits inside one replicate's parallel loop from
    // picking up another lane's work (which would start a second model on its stack); idle threads
    // still help with any replicate's phases.
    // A replicate that throws (a failed invariant) stops the others from starting new replicates;
    // parallel_for rethrows its exception here.
    std::atomic<std::int64_t> next_replicate{0};
    std::atomic<bool> failed{false};
    const std::vector<Config> lane_configs(lanes, config);  // deep copies, made on this thread
    oneapi::tbb::parallel_for(std::size_t{0}, lanes, [&](std::size_t lane) {
      for (std::int64_t replicate = next_replicate++; replicate < result.replicates && !failed;
           replicate = next_replicate++) {
        try {
          oneapi::tbb::this_task_arena::isolate([&] { run_replicate(replicate, lane_configs[lane]); });
        } catch (...) {
          failed = true;
          throw;
        }
      }
    });
  }
  progress.finish();
  if (writer.active()) {
    writer.commit();
    result.output = request.output;
  }
  if (checkpoints) checkpoints->remove();
  result.resumed_steps = resumed_steps;
  result.output_seconds = writer.seconds();
  result.output_wait_seconds = writer.waited_seconds();
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
  if (result.resumed_steps > 0) {
    text += fmt::format(" Resumed: {} of the {} replicate-steps came from checkpoints.", result.resumed_steps,
                        result.replicates * result.steps);
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

namespace {
double phase_seconds_total(const RunResult& result) {
  double total = 0.0;
  for (const auto& timing : result.phase_timings) total += timing.seconds;
  return total;
}
}  // namespace

std::string format_phase_profile(const RunResult& result) {
  const double total = phase_seconds_total(result);
  std::string text = fmt::format("{:<28} {:>10} {:>8} {:>14}\n", "phase", "seconds", "share", "ms per step");
  for (const auto& timing : result.phase_timings) {
    text += fmt::format("{:<28} {:>10.3f} {:>7.1f}% {:>14.3f}\n", timing.name, timing.seconds,
                        100.0 * timing.seconds / std::max(total, 1e-12),
                        1e3 * timing.seconds / static_cast<double>(std::max<std::int64_t>(timing.calls, 1)));
  }
  text += fmt::format("{:<28} {:>10.3f}   (on a background thread, overlapping the steps)\n", "output (HDF5)",
                      result.output_seconds);
  text += fmt::format("{:<28} {:>10.3f}\n", "waiting for output", result.output_wait_seconds);
  // The rest of the wall time: building the populations, measuring metrics each step and handing
  // events and snapshots to the writer.
  text += fmt::format("{:<28} {:>10.3f}\n", "setup, metrics, hand-off",
                      std::max(0.0, result.wall_seconds - total - result.output_wait_seconds));
  text += fmt::format("{:<28} {:>10.3f}\n", "wall time", result.wall_seconds);
  return text;
}

std::string format_phase_profile_json(const RunRequest& request, const RunResult& result) {
  const double phase_total = phase_seconds_total(result);
  // Members in the order a reader wants them: what ran, then how fast. NaN and infinities, which
  // JSON cannot hold, are written as null.
  nlohmann::ordered_json json = {
      {"format", "innosim-profile"},
      {"format_version", 1},
      {"model", request.model->name},
      {"scenario", request.config.source_description()},
      {"git_commit", git_commit()},
      {"threads", result.threads},
      {"replicates", result.replicates},
      {"steps", result.steps},
      {"agents_at_step_0", result.initial_agents},
      {"peak_agents", result.peak_agents},
      {"agent_steps", result.agent_steps},
      {"wall_seconds", result.wall_seconds},
      {"agent_steps_per_second",
       static_cast<double>(result.agent_steps) / std::max(result.wall_seconds, 1e-9)},
      {"output_seconds", result.output_seconds},
      {"output_wait_seconds", result.output_wait_seconds},
      {"phase_seconds_total", phase_total},
  };
  auto& phases = json["phases"] = nlohmann::ordered_json::array();
  for (const auto& timing : result.phase_timings) {
    phases.push_back({{"name", timing.name},
                      {"seconds", timing.seconds},
                      {"share", timing.seconds / std::max(phase_total, 1e-12)},
                      {"calls", timing.calls},
                      {"ms_per_step",
                       1e3 * timing.seconds / static_cast<double>(std::max<std::int64_t>(timing.calls, 1))}});
  }
  auto& populations = json["populations"] = nlohmann::ordered_json::array();
  for (const auto& population : result.populations) {
    populations.push_back({{"kind", population.kind},
                           {"rows_at_step_0", population.rows_at_step_0},
                           {"peak_rows", population.peak_rows},
                           {"row_steps", population.row_steps}});
  }
  return json.dump(2) + "\n";
}

}  // namespace sim
