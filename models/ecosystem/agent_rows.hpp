#pragma once
// What every agent kind of the model shares: its population (sim/core/population.hpp), whose columns
// the kind's struct binds by name, and the row operations phases use.
#include <cstddef>
#include <optional>
#include <utility>

#include "sim/core/population.hpp"

namespace models::ecosystem {

struct AgentRows {
  explicit AgentRows(sim::Population declared) : population(std::move(declared)) {}

  sim::Population population;

  [[nodiscard]] std::size_t size() const { return population.size(); }
  [[nodiscard]] sim::AgentId id(std::size_t row) const { return population.id(row); }
  [[nodiscard]] sim::AgentId next_id() const { return population.next_id(); }
  [[nodiscard]] std::optional<std::size_t> index_of(sim::AgentId agent) const {
    return population.index_of(agent);
  }
  std::size_t spawn(std::size_t count = 1) { return population.spawn(count); }
  void mark_for_removal(std::size_t row) { population.mark_for_removal(row); }
  std::size_t remove_marked() { return population.remove_marked(); }
};

}  // namespace models::ecosystem
