#include "sim/core/population.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include <oneapi/tbb/parallel_for.h>

#include "sim/core/parallel.hpp"

namespace sim {

std::size_t Population::spawn(std::size_t count) {
  const std::size_t first = ids_.size();
  if (first + count >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("population '" + kind_ + "' would exceed 4 294 967 294 agents");
  }
  // The id index doubles when full. It spans every id from the oldest live agent's on, and one
  // research result alive since set-up keeps it growing by every result born (4 bytes each, a
  // twentieth of a result's row); grown by a quarter, it was copied to new memory five times over,
  // mostly page faults: 1.1 ms of generate_results' serial time per step at 1/8 national scale.
  const std::size_t indexed = next_id_ + count - first_indexed_id_;
  if (indexed > index_of_id_.capacity()) index_of_id_.reserve(std::max(indexed, 2 * index_of_id_.capacity()));
  index_of_id_.resize(indexed, 0);
  for (std::size_t k = 0; k < count; ++k) {
    index_of_id_[next_id_ - first_indexed_id_] = static_cast<std::uint32_t>(first + k + 1);
    ids_.push_back(next_id_++);
  }
  // Grow by a quarter when full: amortised constant time per agent (reserving the exact size on
  // every spawn made births quadratic), with less slack than doubling, which for tens of
  // millions of short-lived agents (research results) is gigabytes.
  if (first + count > capacity_) {
    capacity_ = std::max(first + count, capacity_ + capacity_ / 4);
    ids_.reserve(capacity_);
    removal_marks_.reserve(capacity_);
    for (auto& column : columns_) column->reserve(capacity_);
  }
  removal_marks_.resize(first + count, 0);
  for (auto& column : columns_) column->resize(first + count);
  return first;
}

std::size_t Population::remove_marked() {
  const Removal removal = forget_marked();
  if (removal.removed == 0) return 0;
  // Columns are independent arrays: compact them side by side (the ids and their index are one
  // more task), moving runs of kept rows (compact_values: inline blocks or a memmove per run, where
  // row-by-row copying costs a branch per row). Each is a stable in-place partition, so the
  // result does not depend on threads.
  const std::size_t kept = ids_.size() - removal.removed;
  oneapi::tbb::parallel_for(std::size_t{0}, columns_.size() + 1, [&](std::size_t c) {
    if (c < columns_.size()) {
      columns_[c]->compact(removal.runs, kept);
      return;
    }
    // The ids move like any column; then every moved row's index entry points at its new row.
    compact_values(ids_, removal.runs);
    ids_.resize(kept);
    const std::size_t first_moved = removal.runs.empty() ? kept : removal.runs.front().to;
    for (std::size_t row = first_moved; row < kept; ++row)
      index_of_id_[ids_[row] - first_indexed_id_] = static_cast<std::uint32_t>(row + 1);
  });
  removal_marks_.assign(ids_.size(), 0);
  drop_dead_index_prefix();
  return removal.removed;
}

// Whether none of the eight marks from `marks` on is set.
static bool no_mark_in_eight(const std::uint8_t* marks) {
  std::uint64_t word;
  std::memcpy(&word, marks, sizeof word);
  return word == 0;
}

Population::Removal Population::forget_marked() {
  // One parallel pass: each chunk forgets its marked agents' rows (distinct ids: distinct index
  // entries) and lists its stretches of kept rows; the stretches are then joined in chunk order
  // (a stretch that continues into the next chunk is one run) and given their targets.
  struct Stretch {
    std::size_t begin, end;
  };
  const std::size_t n = ids_.size();
  std::vector<std::vector<Stretch>> stretches(chunk_count(n));
  std::vector<std::size_t> removed_per_chunk(chunk_count(n), 0);
  parallel_for_chunks(n, [&](const Chunk& chunk) {
    auto& mine = stretches[chunk.index];
    std::size_t i = chunk.begin;
    while (i != chunk.end) {
      for (; i != chunk.end && removal_marks_[i] != 0; ++i) {
        index_of_id_[ids_[i] - first_indexed_id_] = 0;
        ++removed_per_chunk[chunk.index];
      }
      const std::size_t begin = i;
      // Removals are sparse: skip kept rows eight marks at a time.
      while (chunk.end - i >= 8 && no_mark_in_eight(&removal_marks_[i])) i += 8;
      while (i != chunk.end && removal_marks_[i] == 0) ++i;
      if (i != begin) mine.push_back({begin, i});
    }
  });
  Removal removal;
  for (const std::size_t r : removed_per_chunk) removal.removed += r;
  if (removal.removed == 0) return removal;
  auto& runs = removal.runs;
  std::size_t to = 0;
  bool removed_before = false;
  std::size_t expected_begin = 0;  // where the next stretch starts if no row was removed between
  for (const auto& chunk_stretches : stretches) {
    for (const Stretch& stretch : chunk_stretches) {
      if (stretch.begin != expected_begin) removed_before = true;
      const std::size_t length = stretch.end - stretch.begin;
      if (removed_before) {
        if (!runs.empty() && runs.back().from + runs.back().length == stretch.begin)
          runs.back().length += length;
        else
          runs.push_back({stretch.begin, to, length});
      }
      to += length;
      expected_begin = stretch.end;
    }
  }
  return removal;
}

void Population::drop_dead_index_prefix() {
  const AgentId oldest_alive = ids_.empty() ? next_id_ : ids_.front();
  const std::size_t dead_prefix = oldest_alive - first_indexed_id_;
  if (dead_prefix == 0 || dead_prefix < index_of_id_.size() / 2) return;
  index_of_id_.erase(index_of_id_.begin(), index_of_id_.begin() + static_cast<std::ptrdiff_t>(dead_prefix));
  first_indexed_id_ = oldest_alive;
}

TableRows Population::snapshot(std::int64_t replicate, std::int64_t step) const {
  TableRows rows;
  rows.replicate = replicate;
  rows.step = step;
  std::vector<const ColumnBase*> written;
  for (const auto& column : columns_) {
    if (column->info.in_snapshots) written.push_back(column.get());
  }
  // The copies (gigabytes for tens of millions of agents) are made side by side, one task per
  // column, the ids being one more.
  std::vector<std::optional<TableColumn::Values>> values(written.size());
  oneapi::tbb::parallel_for(std::size_t{0}, written.size() + 1, [&](std::size_t c) {
    if (c < written.size())
      values[c] = written[c]->output_values();
    else
      rows.ids = ids_;
  });
  for (std::size_t c = 0; c < written.size(); ++c) {
    const ColumnBase& column = *written[c];
    if (!values[c])
      throw std::logic_error("population '" + kind_ + "': field '" + column.name +
                             "' has a type that cannot be written to snapshots; set in_snapshots = false");
    rows.columns.push_back(TableColumn{column.name, column.info.unit, column.info.description,
                                       std::move(*values[c]), column.info.compressible, column.info.labels});
  }
  return rows;
}

void Population::set_labels(const std::string& name, std::vector<std::string> labels) {
  ColumnBase* column = find_column(name);
  if (column == nullptr)
    throw std::logic_error("population '" + kind_ + "': no field '" + name + "' to label");
  column->info.labels = std::move(labels);
}

Population::ColumnBase* Population::find_column(const std::string& name) const {
  for (const auto& column : columns_) {
    if (column->name == name) return column.get();
  }
  return nullptr;
}

void Population::check_invariants() const {
  for (const auto& column : columns_) {
    if (column->size() != ids_.size()) {
      throw std::logic_error("population '" + kind_ + "': field '" + column->name + "' has " +
                             std::to_string(column->size()) + " values for " + std::to_string(ids_.size()) +
                             " agents");
    }
  }
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (i > 0 && ids_[i] <= ids_[i - 1]) {
      throw std::logic_error("population '" + kind_ + "': ids out of order at row " + std::to_string(i));
    }
    const auto index = index_of(ids_[i]);
    if (!index || *index != i) {
      throw std::logic_error("population '" + kind_ + "': id " + std::to_string(ids_[i]) +
                             " is not indexed at row " + std::to_string(i));
    }
  }
}

void Population::save_state(std::ostream& out) const {
  binary::write_string(out, kind_);
  binary::write_vector(out, ids_);
  binary::write_vector(out, removal_marks_);
  binary::write_vector(out, index_of_id_);
  binary::write<AgentId>(out, first_indexed_id_);
  binary::write<AgentId>(out, next_id_);
  binary::write<std::uint64_t>(out, columns_.size());
  for (const auto& column : columns_) {
    binary::write_string(out, column->name);
    binary::write<std::uint64_t>(out, column->element_bytes());
    column->save(out);
  }
}

void Population::restore_state(std::istream& in) {
  const std::string context = "population '" + kind_ + "'";
  if (binary::read_string(in, context.c_str()) != kind_)
    throw binary::ReadError("checkpoint holds another population where " + context + " was expected");
  binary::read_vector(in, ids_, context.c_str());
  binary::read_vector(in, removal_marks_, context.c_str());
  binary::read_vector(in, index_of_id_, context.c_str());
  first_indexed_id_ = binary::read<AgentId>(in, context.c_str());
  next_id_ = binary::read<AgentId>(in, context.c_str());
  if (binary::read<std::uint64_t>(in, context.c_str()) != columns_.size())
    throw binary::ReadError(context + ": the checkpoint has another number of fields");
  for (const auto& column : columns_) {
    const std::string what = context + " field '" + column->name + "'";
    if (binary::read_string(in, what.c_str()) != column->name ||
        binary::read<std::uint64_t>(in, what.c_str()) != column->element_bytes())
      throw binary::ReadError(what + ": the checkpoint has another field or type in its place");
    column->restore(in, what.c_str());
  }
  capacity_ = ids_.size();
  check_invariants();
}

}  // namespace sim
