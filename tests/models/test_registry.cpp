// Every registered model declares what `innosim reproduce` needs to tell its versions apart.
#include <doctest/doctest.h>

#include <string>

#include "models/registry.hpp"

TEST_CASE("every model declares a version that starts with its name") {
  for (const auto& model : models::all_models()) {
    CAPTURE(model.name);
    CHECK(model.version.starts_with(model.name + " "));
    CHECK(model.version.size() > model.name.size() + 1);
  }
}
