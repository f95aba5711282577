#pragma once
// Checkpoints of a run (innosim run --checkpoint-every K, continued with --resume): the folder
// `<output>.checkpoint/` holds, per replicate, the latest checkpoint (`replicate-R.checkpoint`:
// a header naming the build, model, scenario and step, the metric series so far and the model's
// whole state, replaced atomically) and the snapshot and event rows produced so far
// (`replicate-R.rows`, a RowSpool). The HDF5 output is written from them once a replicate is
// done, so a run resumed after a kill writes the same datasets, bit for bit, as one that never
// stopped. The folder is removed when the output is committed.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/model.hpp"
#include "sim/output/row_spool.hpp"

namespace sim {

// What a checkpoint must share with the run that resumes it; any difference is refused.
struct CheckpointIdentity {
  std::string innosim_version;
  std::string git_commit;
  std::string model_version;    // "ecosystem 2.0"
  std::string scenario_sha256;  // of the resolved scenario (seed, replicates and steps included)
};

// What one replicate has produced up to a checkpoint's step.
struct ReplicateProgress {
  std::int64_t step = 0;                    // the last step computed
  std::vector<std::vector<double>> series;  // [metric][step], filled up to `step`
  std::uint64_t agent_steps = 0;
  std::uint64_t initial_agents = 0;
  std::uint64_t peak_agents = 0;
  std::uint64_t spool_bytes = 0;  // the row spool's length at `step`
};

class CheckpointStore {
 public:
  // Prepares `<output>.checkpoint/`. Without `resume`, an existing folder (a killed run's) is
  // refused unless `overwrite`, which starts over; with it, the folder's checkpoints are used.
  CheckpointStore(const std::filesystem::path& output, CheckpointIdentity identity, bool resume,
                  bool overwrite);

  static std::filesystem::path directory_for(const std::filesystem::path& output);

  // Restores `model` (just created for this replicate) from the replicate's checkpoint and returns
  // what the replicate had produced, or nothing when it has no checkpoint. Refuses (InputError
  // naming the file) a checkpoint of another build, model version or scenario.
  [[nodiscard]] std::optional<ReplicateProgress> resume(std::int64_t replicate, Model& model) const;
  // The replicate's row spool, cut back to the checkpoint's length (0: a fresh one).
  [[nodiscard]] RowSpool open_spool(std::int64_t replicate, std::uint64_t keep_bytes) const;
  // Writes the replicate's checkpoint after the spool is synced (progress.spool_bytes set by the
  // caller from RowSpool::sync), atomically.
  void save(std::int64_t replicate, const ReplicateProgress& progress, const Model& model) const;
  // Removes the folder (the output has been committed).
  void remove() const;

 private:
  [[nodiscard]] std::filesystem::path checkpoint_path(std::int64_t replicate) const;

  std::filesystem::path directory_;
  CheckpointIdentity identity_;
};

}  // namespace sim
