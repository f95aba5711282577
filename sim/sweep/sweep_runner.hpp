#pragma once
// Runs a sweep into a folder, resumably:
//
//   DIR/points/point-000017.h5   one ordinary run file per design point (written atomically)
//   DIR/sweep.h5                 the index (sweep_index_file.hpp), once every point is present
//   DIR/sweep.id                 the sweep's identity (sha256 of design and scenarios)
//   DIR/logs/<process>.log       what each process (main, shard, MPI rank) ran and when
//
// Running the same command again finishes only the missing points: a point's file exists only
// once it is complete (rename on commit), a leftover `.partial` is discarded, and an existing file
// is kept after checking that its manifest's scenario_sha256 is the one the plan expects. A folder
// holding a different sweep is refused unless `force`, which then re-runs the points that differ.
// Point i's file depends only on point i's scenario, so the files are the same whatever the
// number of processes, shards or threads.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace sim {

struct SweepOptions {
  std::filesystem::path directory;
  std::size_t threads = 0;  // per process; 0: all hardware threads
  bool force = false;
  bool show_progress = false;
  std::size_t shard_index = 0;  // --shard i/N: this process runs the points with point % N == i
  std::size_t shard_count = 1;
  std::string command_line;
  // Each point's run saves checkpoints every this many steps and resumes from them when the sweep
  // is run again (RunRequest::checkpoint_every); 0: a killed point starts again from step 0.
  std::int64_t checkpoint_every = 0;
};

struct SweepSummary {
  std::size_t points = 0;         // in the design
  std::size_t already_done = 0;   // found finished when this process started
  std::size_t run_here = 0;       // run by this process (all ranks, under MPI)
  std::size_t still_missing = 0;  // after this process, e.g. other shards' points
  bool index_written = false;     // DIR/sweep.h5 is complete
  double wall_seconds = 0.0;
};

// Makes the folder, checks it holds this sweep (or nothing yet), and returns the points still to
// run, in order. Throws OutputError for a folder holding a different sweep without `force`.
std::vector<std::size_t> prepare_sweep_directory(const SweepPlan& plan, const SweepOptions& options);

// The points this shard runs, of those given.
std::vector<std::size_t> shard_points(const std::vector<std::size_t>& points, const SweepOptions& options);

// Runs one design point into its file.
void run_sweep_point(const SweepPlan& plan, std::size_t point, const SweepOptions& options,
                     const std::vector<ModelDefinition>& models);

// Points whose file is not (yet) in the folder.
std::vector<std::size_t> missing_points(const SweepPlan& plan, const std::filesystem::path& directory);

// Appends time-stamped lines to DIR/logs/<name>.log.
class SweepLog {
 public:
  SweepLog(const std::filesystem::path& directory, const std::string& name);
  void line(const std::string& text);

 private:
  std::filesystem::path path_;
};

// Runs this process's share of the sweep (all of it without --shard), then writes DIR/sweep.h5
// when no point is missing.
SweepSummary run_sweep(const SweepPlan& plan, const SweepOptions& options,
                       const std::vector<ModelDefinition>& models);

// The end-of-sweep paragraph.
std::string format_sweep_summary(const SweepPlan& plan, const SweepOptions& options,
                                 const SweepSummary& summary);

}  // namespace sim
