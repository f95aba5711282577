#pragma once
// An append-only file of table rows ("agents/firm" or "events/deal" with their TableRows), in the
// order they were produced: where a checkpointed run keeps a replicate's snapshot and event rows
// until the replicate is written to the HDF5 output (sim/run/checkpoint.hpp). A checkpoint records
// the spool's length at its step; resuming cuts the spool back to that length, so rows of steps
// after the checkpoint, which the resumed run produces again, are not kept twice.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "sim/core/table.hpp"

namespace sim {

class RowSpool {
 public:
  // Opens `path` for appending after cutting it to `keep_bytes` (0: a fresh spool).
  RowSpool(std::filesystem::path path, std::uint64_t keep_bytes);

  void append(const std::string& group, const TableRows& rows);
  // Makes every appended row durable and returns the spool's length: what a checkpoint records.
  std::uint64_t sync();
  void close();

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::ofstream out_;
};

// Reads a spool's entries in order and hands each to `consume` (group, rows).
void read_row_spool(const std::filesystem::path& path,
                    const std::function<void(const std::string& group, const TableRows& rows)>& consume);

}  // namespace sim
