#include "sim/sweep/mpi_sweep.hpp"

#include <cstdlib>

#ifdef INNOSIM_WITH_MPI
#include <mpi.h>

#include <fmt/format.h>

#include <chrono>
#include <deque>
#include <stdexcept>

#include "sim/output/output_file.hpp"
#include "sim/run/progress.hpp"
#include "sim/sweep/sweep_index_file.hpp"
#endif

namespace sim {

int launcher_world_size() {
  // OpenMPI's launcher sets OMPI_COMM_WORLD_SIZE; PMI-based launchers (srun, MPICH) set PMI_SIZE.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* value = std::getenv(name)) return std::atoi(value);
  }
  return 0;
}

bool launched_by_mpirun() { return built_with_mpi() && launcher_world_size() > 0; }

#ifndef INNOSIM_WITH_MPI

bool built_with_mpi() { return false; }

MpiSweepResult run_sweep_mpi(const SweepPlan& plan, const SweepOptions& options,
                             const std::vector<ModelDefinition>& models) {
  return {run_sweep(plan, options, models), true};
}

#else

bool built_with_mpi() { return true; }

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kTagAsk = 1;     // worker -> root: the point it finished (-1 for none), asking for more
constexpr int kTagAssign = 2;  // root -> worker: the next point, or -1 to stop

// MPI for the duration of one sweep: initialised on entry, finalised on every way out.
class MpiSession {
 public:
  MpiSession() {
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (!initialised) {
      int provided = 0;
      MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
      owns_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() {
    if (owns_) MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }

 private:
  bool owns_ = false;
  int rank_ = 0;
  int size_ = 1;
};

// Rank 0 tells every rank whether the folder check passed: an empty message means go.
std::string broadcast_text(const std::string& text, int rank) {
  long long length = rank == 0 ? static_cast<long long>(text.size()) : 0;
  MPI_Bcast(&length, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  std::string received = rank == 0 ? text : std::string(static_cast<std::size_t>(length), '\0');
  if (length > 0) MPI_Bcast(received.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD);
  return received;
}

SweepSummary run_root(const SweepPlan& plan, const SweepOptions& options,
                      const std::vector<std::size_t>& missing, int size) {
  const auto start = Clock::now();
  SweepSummary summary;
  summary.points = plan.point_count();
  summary.already_done = summary.points - missing.size();
  const std::vector<std::size_t> mine = shard_points(missing, options);
  std::deque<std::size_t> queue(mine.begin(), mine.end());
  SweepLog log(options.directory, "rank-0");
  log.line(fmt::format("start: {} ranks, {} points in the design, {} already done, {} to run; {}", size,
                       summary.points, summary.already_done, mine.size(), options.command_line));
  {
    Progress progress("sweep", static_cast<std::int64_t>(mine.size()), options.show_progress,
                      static_cast<std::int64_t>(summary.already_done));
    int stopped = 0;
    while (stopped < size - 1) {
      long long finished = -1;
      MPI_Status status;
      MPI_Recv(&finished, 1, MPI_LONG_LONG, MPI_ANY_SOURCE, kTagAsk, MPI_COMM_WORLD, &status);
      if (finished >= 0) {
        progress.finished();
        ++summary.run_here;
        log.line(fmt::format("point {} done by rank {}", finished, status.MPI_SOURCE));
      }
      long long next = -1;
      if (!queue.empty()) {
        next = static_cast<long long>(queue.front());
        queue.pop_front();
        progress.started();
        log.line(fmt::format("point {} sent to rank {}", next, status.MPI_SOURCE));
      } else {
        ++stopped;
      }
      MPI_Send(&next, 1, MPI_LONG_LONG, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD);
    }
  }
  summary.still_missing = missing_points(plan, options.directory).size();
  if (summary.still_missing == 0) {
    write_sweep_index(plan, options.directory, options.command_line);
    summary.index_written = true;
    log.line("sweep.h5 written");
  }
  summary.wall_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

void run_worker(const SweepPlan& plan, const SweepOptions& options,
                const std::vector<ModelDefinition>& models, int rank) {
  SweepLog log(options.directory, fmt::format("rank-{}", rank));
  long long finished = -1;
  while (true) {
    MPI_Send(&finished, 1, MPI_LONG_LONG, 0, kTagAsk, MPI_COMM_WORLD);
    long long point = -1;
    MPI_Recv(&point, 1, MPI_LONG_LONG, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (point < 0) break;
    const auto point_start = Clock::now();
    log.line(fmt::format("point {} started", point));
    try {
      run_sweep_point(plan, static_cast<std::size_t>(point), options, models);
    } catch (const std::exception& error) {
      // One failed point stops the sweep: the finished files stay, and a re-run resumes.
      log.line(fmt::format("point {} failed: {}", point, error.what()));
      std::fprintf(stderr, "innosim: rank %d, sweep point %lld stopped: %s\n", rank, point, error.what());
      MPI_Abort(MPI_COMM_WORLD, 4);
    }
    log.line(fmt::format("point {} done in {:.3f} s", point,
                         std::chrono::duration<double>(Clock::now() - point_start).count()));
    finished = point;
  }
  log.line("no points left; done");
}

}  // namespace

MpiSweepResult run_sweep_mpi(const SweepPlan& plan, const SweepOptions& options,
                             const std::vector<ModelDefinition>& models) {
  const MpiSession mpi;
  if (mpi.size() == 1) return {run_sweep(plan, options, models), true};
  std::vector<std::size_t> missing;
  std::string refusal;
  if (mpi.rank() == 0) {
    try {
      missing = prepare_sweep_directory(plan, options);
    } catch (const std::exception& error) {
      refusal = error.what();
      if (refusal.empty()) refusal = "sweep folder check failed";
    }
  }
  const std::string verdict = broadcast_text(refusal, mpi.rank());
  if (!verdict.empty()) {
    if (mpi.rank() == 0) throw OutputError(verdict);
    throw OutputError("");  // rank 0 reports it
  }
  SweepOptions rank_options = options;
  if (mpi.rank() != 0) rank_options.show_progress = false;
  if (mpi.rank() == 0) return {run_root(plan, rank_options, missing, mpi.size()), true};
  run_worker(plan, rank_options, models, mpi.rank());
  return {SweepSummary{}, false};
}

#endif

}  // namespace sim
