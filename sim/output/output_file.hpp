#pragma once
// A run's HDF5 output in the layout other tools rely on (see docs/output-format.md):
//   /manifest                 attributes describing the run (scenario text, seed, version, ...)
//   /metrics/<name>           float64 [replicates, steps+1], chunked, compressed; attrs unit, description
//   /agents/<kind>/<field>    panel snapshots, long format: datasets replicate, step, id, one per field
//   /events/<kind>/<field>    event tables, same long format
// The file is written to `<path>.partial` and renamed onto `<path>` by commit(); an OutputFile
// destroyed without commit() removes its partial file, so a failed run leaves nothing that looks
// valid at the final path.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/table.hpp"

namespace sim {

struct Manifest {
  std::string scenario_yaml;    // fully resolved scenario text
  std::string scenario_sha256;  // hex digest of scenario_yaml
  std::int64_t seed = 0;
  std::int64_t replicates = 0;
  std::int64_t steps = 0;
  std::string innosim_version;
  std::string git_commit;
  std::string build_type;
  std::string command_line;
  std::int64_t threads = 0;
  std::string created_utc;  // ISO 8601, e.g. 2026-11-23T11:12:40Z
  std::string hostname;
  std::string model;  // model name, e.g. "boltzmann"
  // What `reproduce` compares besides the commit: the model's declared version (ModelDefinition::version,
  // "ecosystem 2.0") and the scenario language's (kScenarioSchemaVersion). Files written before these
  // existed lack both attributes.
  std::string model_version;
  std::int64_t schema_version = 0;
};

// Raised when the output cannot be created or written (exists without --force, no permission,
// disk full). The message names the path and what to do.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class OutputFile {
 public:
  // Refuses (OutputError) when `final_path` exists and !overwrite. Removes a stale
  // `<final_path>.partial` left by a killed run, then creates a fresh one.
  OutputFile(std::filesystem::path final_path, bool overwrite);
  ~OutputFile();  // not committed: closes and deletes the partial file
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write_manifest(const Manifest& manifest);
  // Creates /metrics/<name> for every metric, shape [replicates, steps+1], filled with NaN.
  void define_metrics(const std::vector<MetricInfo>& metrics, std::int64_t replicates, std::int64_t steps);
  // values[m][t]: metric m at step t (t = 0..steps) for one replicate.
  void write_metrics(std::int64_t replicate, const std::vector<std::vector<double>>& values);
  // group is "agents/<kind>" or "events/<kind>"; datasets are created on first use and extended after.
  void append_rows(const std::string& group, const TableRows& rows);

  // Flushes, closes, syncs to disk and renames the partial file onto the final path.
  void commit();

  [[nodiscard]] const std::filesystem::path& final_path() const { return final_path_; }
  [[nodiscard]] std::filesystem::path partial_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path final_path_;
  bool committed_ = false;
};

// Reads a float64 dataset (any rank) as a flat vector in C order, and its shape (tests, reproduce).
struct DatasetValues {
  std::vector<std::size_t> shape;
  std::vector<double> values;
};
DatasetValues read_dataset_as_double(const std::filesystem::path& file, const std::string& dataset_path);
// Reads a string attribute of an object ("/manifest", "git_commit").
std::string read_string_attribute(const std::filesystem::path& file, const std::string& object_path,
                                  const std::string& attribute);

}  // namespace sim
