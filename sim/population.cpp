#include "sim/population.hpp"

#include <limits>

namespace sim {

std::size_t Population::spawn(std::size_t count) {
  const std::size_t first = ids_.size();
  if (first + count >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("population '" + kind_ + "' would exceed 4 294 967 294 agents");
  }
  index_of_id_.resize(next_id_ + count, 0);
  for (std::size_t k = 0; k < count; ++k) {
    index_of_id_[next_id_] = static_cast<std::uint32_t>(first + k + 1);
    ids_.push_back(next_id_++);
  }
  removal_marks_.resize(first + count, 0);
  for (auto& column : columns_) column->resize(first + count);
  return first;
}

std::size_t Population::remove_marked() {
  std::size_t removed = 0;
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (removal_marks_[i] != 0) {
      index_of_id_[ids_[i]] = 0;
      ++removed;
    }
  }
  if (removed == 0) return 0;
  for (auto& column : columns_) column->compact(removal_marks_);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < ids_.size(); ++i) {
    if (removal_marks_[i] == 0) {
      ids_[kept] = ids_[i];
      index_of_id_[ids_[kept]] = static_cast<std::uint32_t>(kept + 1);
      ++kept;
    }
  }
  ids_.resize(kept);
  removal_marks_.assign(kept, 0);
  return removed;
}

std::optional<std::size_t> Population::index_of(AgentId id) const {
  if (id >= index_of_id_.size() || index_of_id_[id] == 0) return std::nullopt;
  return index_of_id_[id] - 1;
}

TableRows Population::snapshot(std::int64_t replicate, std::int64_t step) const {
  TableRows rows;
  rows.replicate = replicate;
  rows.step = step;
  rows.ids = ids_;
  for (const auto& column : columns_) {
    if (!column->info.in_snapshots) continue;
    auto values = column->output_values();
    if (!values)
      throw std::logic_error("population '" + kind_ + "': field '" + column->name +
                             "' has a type that cannot be written to snapshots; set in_snapshots = false");
    rows.columns.push_back(
        TableColumn{column->name, column->info.unit, column->info.description, std::move(*values)});
  }
  return rows;
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

}  // namespace sim
