#pragma once
// A population of one agent kind, stored as a structure of arrays: one std::vector per field,
// all of the same length, row i being one agent. Agents have stable 64-bit ids that are never
// reused; rows stay sorted by id (births append with growing ids, deaths compact in place
// keeping order), so the order of agents never depends on thread scheduling.
//
//   Population firms("firm");
//   auto& cash = firms.add_field<double>("cash", {"euro", "Cash at hand", true});
//   AgentId id = firms.spawn();            // at set-up or when resolving birth proposals
//   firms.mark_for_removal(firms.index_of(id).value());
//   firms.remove_marked();                  // between phases; all fields are compacted together
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/core/binary_io.hpp"
#include "sim/core/philox_stream.hpp"
#include "sim/core/table.hpp"

namespace sim {

struct FieldInfo {
  std::string unit;
  std::string description;
  bool in_snapshots = true;           // written to /agents/<kind>/<field> at each snapshot
  bool compressible = true;           // false for random draws, stored undeflated (TableColumn::compressible)
  std::vector<std::string> labels{};  // labels[c] names code c (TableColumn::labels); empty: not codes
};

class Population {
 public:
  explicit Population(std::string kind) : kind_(std::move(kind)) {}
  Population(const Population&) = delete;
  Population& operator=(const Population&) = delete;
  Population(Population&&) = default;
  Population& operator=(Population&&) = default;

  // Declares a field. The returned reference stays valid for the population's lifetime (the
  // vector's data pointer changes on growth: re-read it after spawning).
  template <class T>
  std::vector<T>& add_field(const std::string& name, FieldInfo info) {
    if (find_column(name) != nullptr)
      throw std::logic_error("population '" + kind_ + "': field '" + name + "' declared twice");
    auto column = std::make_unique<Column<T>>(name, std::move(info));
    column->values.reserve(capacity_);
    column->values.resize(ids_.size());
    auto& values = column->values;
    columns_.push_back(std::move(column));
    return values;
  }

  // Names the codes a field holds (labels[c] for code c) once the model knows them, e.g. the
  // scenario's region names; they go to the `labels` attribute of the field's dataset.
  void set_labels(const std::string& name, std::vector<std::string> labels);
  [[nodiscard]] bool has_field(const std::string& name) const { return find_column(name) != nullptr; }

  template <class T>
  std::vector<T>& field(const std::string& name) {
    return typed_column<T>(name).values;
  }
  template <class T>
  const std::vector<T>& field(const std::string& name) const {
    return typed_column<T>(name).values;
  }

  // Appends `count` agents with value-initialised fields; returns the index of the first.
  // Not thread-safe: call at set-up or from a (sequential) resolve step.
  std::size_t spawn(std::size_t count = 1);

  // Flags an agent for removal; takes effect at remove_marked(). Safe to call in parallel for
  // distinct indices.
  void mark_for_removal(std::size_t index) { removal_marks_[index] = 1; }
  [[nodiscard]] bool is_marked_for_removal(std::size_t index) const { return removal_marks_[index] != 0; }
  // Removes every marked agent, keeping the others in id order. Returns how many were removed.
  std::size_t remove_marked();

  [[nodiscard]] std::size_t size() const { return ids_.size(); }
  [[nodiscard]] const std::string& kind() const { return kind_; }
  [[nodiscard]] const std::vector<AgentId>& ids() const { return ids_; }
  [[nodiscard]] AgentId id(std::size_t index) const { return ids_[index]; }
  [[nodiscard]] AgentId next_id() const { return next_id_; }
  // The current row of an agent, or nothing if it never existed or has been removed: a stale id
  // is caught here, never silently resolved to another agent.
  [[nodiscard]] std::optional<std::size_t> index_of(AgentId id) const {
    if (id < first_indexed_id_ || id - first_indexed_id_ >= index_of_id_.size()) return std::nullopt;
    const std::uint32_t row_plus_one = index_of_id_[id - first_indexed_id_];
    if (row_plus_one == 0) return std::nullopt;
    return row_plus_one - 1;
  }

  // One long-format table of every field marked in_snapshots, for the output file.
  [[nodiscard]] TableRows snapshot(std::int64_t replicate, std::int64_t step) const;

  // Checks that every field has one value per agent and the id index is consistent; throws
  // std::logic_error naming the population and the field. Used at phase boundaries in debug
  // builds and with --check-invariants.
  void check_invariants() const;

  // The whole state for a checkpoint: ids, the id index, the next id and every field's values
  // (labels and field descriptions are not state: the model declares them again). restore_state()
  // reads it into a population that declared the same fields in the same order (the model's
  // constructor does) and throws binary::ReadError naming the population and field otherwise.
  void save_state(std::ostream& out) const;
  void restore_state(std::istream& in);

 private:
  // Rows [from, from + length) move to [to, to + length) when marked rows are removed.
  struct KeptRun {
    std::size_t from, to, length;
  };
  struct Removal {
    std::size_t removed = 0;
    std::vector<KeptRun> runs;  // of kept rows after the first removed one (rows before it stay)
  };
  // The block in which short runs of kept rows are copied (copy_in_blocks).
  static constexpr std::size_t kCopyBlock = 32;
  // Clears the marked agents' index entries and plans the compaction.
  Removal forget_marked();

  // Moves each run of kept rows of `values` to its new place, in order (runs ascend, targets
  // never pass sources); the tail is left for the caller to drop.
  template <class T>
  static void compact_values(std::vector<T>& values, const std::vector<KeptRun>& runs) {
    for (const KeptRun& run : runs) {
      if constexpr (std::is_trivially_copyable_v<T> && !std::is_same_v<T, bool>) {
        if (copy_in_blocks(values, run)) continue;
      }
      const auto from = values.begin() + static_cast<std::ptrdiff_t>(run.from);
      std::move(from, from + static_cast<std::ptrdiff_t>(run.length),
                values.begin() + static_cast<std::ptrdiff_t>(run.to));
    }
  }
  // Deaths scattered over millions of rows leave runs of a few dozen rows, and a memmove call
  // per run (tens of ns: call, size dispatch, a mispredicted branch) cost more than the bytes.
  // Once the rows removed before a run span a block (kCopyBlock bytes), the run is copied in
  // whole blocks inline: the last block may write past the run's end, but only into rows that
  // later runs overwrite (the next run's first source row lies beyond the overshoot) or that
  // are dropped, and it reads at most a block past the run, kept inside the vector. The rows and
  // their order are those of a memmove per run. False when the run is left to memmove.
  template <class T>
  static bool copy_in_blocks(std::vector<T>& values, const KeptRun& run) {
    if ((run.from - run.to) * sizeof(T) < kCopyBlock ||
        (run.from + run.length) * sizeof(T) + kCopyBlock > values.size() * sizeof(T))
      return false;
    auto* source = reinterpret_cast<const unsigned char*>(values.data() + run.from);
    auto* target = reinterpret_cast<unsigned char*>(values.data() + run.to);
    const std::size_t bytes = run.length * sizeof(T);
    for (std::size_t b = 0; b < bytes; b += kCopyBlock) {
      unsigned char chunk[kCopyBlock];
      std::memcpy(chunk, source + b, kCopyBlock);
      std::memcpy(target + b, chunk, kCopyBlock);
    }
    return true;
  }

  struct ColumnBase {
    ColumnBase(std::string name_, FieldInfo info_) : name(std::move(name_)), info(std::move(info_)) {}
    virtual ~ColumnBase() = default;
    virtual void resize(std::size_t n) = 0;
    virtual void reserve(std::size_t n) = 0;
    // Moves each run of kept rows to its new place, in order (runs ascend, targets never pass
    // sources), then drops the tail.
    virtual void compact(const std::vector<KeptRun>& runs, std::size_t kept) = 0;
    [[nodiscard]] virtual std::size_t size() const = 0;
    [[nodiscard]] virtual std::optional<TableColumn::Values> output_values() const = 0;
    [[nodiscard]] virtual std::size_t element_bytes() const = 0;
    virtual void save(std::ostream& out) const = 0;
    virtual void restore(std::istream& in, const char* what) = 0;
    std::string name;
    FieldInfo info;
  };

  template <class T>
  struct Column final : ColumnBase {
    using ColumnBase::ColumnBase;
    void resize(std::size_t n) override { values.resize(n); }
    void reserve(std::size_t n) override { values.reserve(n); }
    void compact(const std::vector<KeptRun>& runs, std::size_t kept) override {
      compact_values(values, runs);
      values.resize(kept);
    }
    [[nodiscard]] std::size_t size() const override { return values.size(); }
    [[nodiscard]] std::optional<TableColumn::Values> output_values() const override {
      if constexpr (is_table_element_v<T>) {
        return TableColumn::Values(values);
      } else if constexpr (std::is_same_v<T, bool>) {
        return TableColumn::Values(std::vector<std::uint8_t>(values.begin(), values.end()));
      } else {
        return std::nullopt;
      }
    }
    [[nodiscard]] std::size_t element_bytes() const override { return sizeof(T); }
    void save(std::ostream& out) const override {
      if constexpr (std::is_same_v<T, bool>) {
        binary::write_vector(out, std::vector<std::uint8_t>(values.begin(), values.end()));
      } else {
        binary::write_vector(out, values);
      }
    }
    void restore(std::istream& in, const char* what) override {
      if constexpr (std::is_same_v<T, bool>) {
        std::vector<std::uint8_t> bytes;
        binary::read_vector(in, bytes, what);
        values.assign(bytes.begin(), bytes.end());
      } else {
        binary::read_vector(in, values, what);
      }
    }
    std::vector<T> values;
  };

  ColumnBase* find_column(const std::string& name) const;
  template <class T>
  Column<T>& typed_column(const std::string& name) const {
    auto* column = dynamic_cast<Column<T>*>(find_column(name));
    if (column == nullptr)
      throw std::logic_error("population '" + kind_ + "' has no field '" + name + "' of that type");
    return *column;
  }

  std::string kind_;
  std::vector<AgentId> ids_;
  std::vector<std::uint8_t> removal_marks_;
  std::vector<std::unique_ptr<ColumnBase>> columns_;
  // index_of_id_[id - first_indexed_id_] = row + 1, or 0 for an id not alive. Dense because ids
  // are handed out consecutively. Ids below the oldest live agent's are dropped from the front
  // when they are half of the index, so it costs 4 bytes per id from the oldest live agent on,
  // not per agent ever born (research results are born and die by the million).
  std::vector<std::uint32_t> index_of_id_;
  AgentId first_indexed_id_ = 0;
  std::size_t capacity_ = 0;  // rows reserved in every column
  AgentId next_id_ = 0;

  void drop_dead_index_prefix();
};

}  // namespace sim
