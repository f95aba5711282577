#include "sim/run/checkpoint.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "sim/core/binary_io.hpp"
#include "sim/output/output_file.hpp"
#include "sim/scenario/input_error.hpp"

namespace sim {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMagic = "innosim-checkpoint";
// Raise with any change to what a checkpoint file holds (the header, the progress or the layout of
// Population, Ledger or a model's state): an older file is then refused instead of misread.
constexpr std::uint32_t kCheckpointFormatVersion = 1;
constexpr std::uint64_t kEndMarker = 0x454E'4443'4B50'5421ULL;

void sync_path(const fs::path& path, int flags) {
  const int descriptor = ::open(path.c_str(), flags | O_CLOEXEC);
  if (descriptor < 0 || ::fsync(descriptor) != 0) {
    const int error_number = errno;
    if (descriptor >= 0) ::close(descriptor);
    throw OutputError(fmt::format("cannot sync '{}' to disk: {}", path.string(),
                                  std::generic_category().message(error_number)));
  }
  ::close(descriptor);
}

// "start over with --force (the checkpoints are then deleted), or ...": the two ways out of a refusal.
constexpr const char* kStartOver = "or start the run over with --force (which deletes these checkpoints)";

void refuse(const fs::path& file, const std::string& message) {
  throw InputError({file.string(), 0, 0}, message);
}

void check_identity(const fs::path& file, const CheckpointIdentity& found,
                    const CheckpointIdentity& expected) {
  if (found.model_version != expected.model_version) {
    refuse(file,
           fmt::format("this checkpoint was written by model '{}', but this innosim runs '{}'; finish the "
                       "run with the innosim that started it (commit {}), {}",
                       found.model_version, expected.model_version, found.git_commit, kStartOver));
  }
  if (found.scenario_sha256 != expected.scenario_sha256) {
    refuse(file, fmt::format("this checkpoint belongs to another scenario (resolved scenario sha256 {}, this "
                             "run's is {}): resume with the same scenario file, --set, --seed and "
                             "--replicates as the run that wrote it, or give another -o, {}",
                             found.scenario_sha256.substr(0, 12), expected.scenario_sha256.substr(0, 12),
                             kStartOver));
  }
  if (found.git_commit != expected.git_commit || found.innosim_version != expected.innosim_version) {
    refuse(file,
           fmt::format("this checkpoint was written by innosim {} (commit {}), this is innosim {} (commit "
                       "{}); a resumed run is bit-identical only on the build that started it: build "
                       "that commit (docs/reproducing.md) and resume there, {}",
                       found.innosim_version, found.git_commit, expected.innosim_version, expected.git_commit,
                       kStartOver));
  }
}

}  // namespace

fs::path CheckpointStore::directory_for(const fs::path& output) {
  fs::path directory = output;
  directory += ".checkpoint";
  return directory;
}

CheckpointStore::CheckpointStore(const fs::path& output, CheckpointIdentity identity, bool resume,
                                 bool overwrite)
    : directory_(directory_for(output)), identity_(std::move(identity)) {
  std::error_code error;
  if (fs::exists(directory_, error) && !resume) {
    if (!overwrite) {
      throw OutputError(fmt::format(
          "'{}' holds the checkpoints of an unfinished run of {}; add --resume to continue it, or --force to "
          "start over (which deletes them)",
          directory_.string(), output.string()));
    }
    fs::remove_all(directory_, error);
    if (error) {
      throw OutputError(
          fmt::format("cannot remove the old checkpoints '{}': {}", directory_.string(), error.message()));
    }
  }
  fs::create_directories(directory_, error);
  if (error) {
    throw OutputError(
        fmt::format("cannot create the checkpoint folder '{}': {}", directory_.string(), error.message()));
  }
}

fs::path CheckpointStore::checkpoint_path(std::int64_t replicate) const {
  return directory_ / fmt::format("replicate-{}.checkpoint", replicate);
}

RowSpool CheckpointStore::open_spool(std::int64_t replicate, std::uint64_t keep_bytes) const {
  return RowSpool(directory_ / fmt::format("replicate-{}.rows", replicate), keep_bytes);
}

void CheckpointStore::save(std::int64_t replicate, const ReplicateProgress& progress,
                           const Model& model) const {
  const fs::path file = checkpoint_path(replicate);
  fs::path partial = file;
  partial += ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    binary::write_string(out, kMagic);
    binary::write(out, kCheckpointFormatVersion);
    binary::write_string(out, identity_.innosim_version);
    binary::write_string(out, identity_.git_commit);
    binary::write_string(out, identity_.model_version);
    binary::write_string(out, identity_.scenario_sha256);
    binary::write(out, replicate);
    binary::write(out, progress.step);
    binary::write_nested(out, progress.series);
    binary::write(out, progress.agent_steps);
    binary::write(out, progress.initial_agents);
    binary::write(out, progress.peak_agents);
    binary::write(out, progress.spool_bytes);
    model.save_state(out);
    binary::write(out, kEndMarker);
    out.close();
    if (!out) throw OutputError(fmt::format("cannot write the checkpoint '{}'", partial.string()));
  }
  sync_path(partial, O_RDONLY);
  std::error_code error;
  fs::rename(partial, file, error);
  if (error) {
    throw OutputError(fmt::format("cannot move the checkpoint '{}' onto '{}': {}", partial.string(),
                                  file.string(), error.message()));
  }
  sync_path(directory_, O_RDONLY | O_DIRECTORY);
}

std::optional<ReplicateProgress> CheckpointStore::resume(std::int64_t replicate, Model& model) const {
  const fs::path file = checkpoint_path(replicate);
  std::error_code error;
  if (!fs::exists(file, error)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) throw OutputError(fmt::format("cannot read the checkpoint '{}'", file.string()));
  try {
    if (binary::read_string(in, "the header") != kMagic) refuse(file, "this is not an innosim checkpoint");
    const auto format = binary::read<std::uint32_t>(in, "the header");
    if (format != kCheckpointFormatVersion) {
      refuse(file, fmt::format("this checkpoint has format version {}, this innosim reads version {}: finish "
                               "the run with the innosim that started it, {}",
                               format, kCheckpointFormatVersion, kStartOver));
    }
    CheckpointIdentity found;
    found.innosim_version = binary::read_string(in, "the header");
    found.git_commit = binary::read_string(in, "the header");
    found.model_version = binary::read_string(in, "the header");
    found.scenario_sha256 = binary::read_string(in, "the header");
    check_identity(file, found, identity_);
    if (binary::read<std::int64_t>(in, "the header") != replicate)
      refuse(file, fmt::format("this checkpoint is not replicate {}'s (was the file renamed?)", replicate));
    ReplicateProgress progress;
    progress.step = binary::read<std::int64_t>(in, "the header");
    binary::read_nested(in, progress.series, "the metric series");
    progress.agent_steps = binary::read<std::uint64_t>(in, "the progress");
    progress.initial_agents = binary::read<std::uint64_t>(in, "the progress");
    progress.peak_agents = binary::read<std::uint64_t>(in, "the progress");
    progress.spool_bytes = binary::read<std::uint64_t>(in, "the progress");
    model.restore_state(in);
    if (binary::read<std::uint64_t>(in, "the end marker") != kEndMarker)
      throw binary::ReadError("the model's state does not end where the file does");
    return progress;
  } catch (const binary::ReadError& problem) {
    throw OutputError(
        fmt::format("the checkpoint '{}' is damaged ({}); {}", file.string(), problem.what(), kStartOver));
  }
}

void CheckpointStore::remove() const {
  std::error_code error;
  fs::remove_all(directory_, error);
  if (error) {
    throw OutputError(fmt::format("the run finished, but its checkpoints '{}' could not be removed: {}",
                                  directory_.string(), error.message()));
  }
}

}  // namespace sim
