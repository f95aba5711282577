// The instructions `innosim reproduce` prints for a file written by other code
// (tests/e2e/reproduce_versions.sh checks the whole report on real files).
#include <doctest/doctest.h>

#include <string>

#include "sim/run/reproduce.hpp"

TEST_CASE("rebuild instructions name the commit, the script and the worktree to build it in") {
  const std::string text = sim::rebuild_instructions("results/run.h5", "0123abc");
  CHECK(text.find("build commit 0123abc and run reproduce there") != std::string::npos);
  CHECK(text.find("  scripts/reproduce-at-commit.sh results/run.h5\n") != std::string::npos);
  CHECK(text.find("git worktree add --detach \"${XDG_CACHE_HOME:-$HOME/.cache}/innosim/commits/0123abc\" "
                  "0123abc\n") != std::string::npos);
  CHECK(text.find("/innosim/commits/0123abc/build/innosim\" reproduce results/run.h5\n") !=
        std::string::npos);
  CHECK(text.find("uncommitted") == std::string::npos);
}

TEST_CASE("rebuild instructions for a dirty commit warn and build the nearest committed code") {
  const std::string text = sim::rebuild_instructions("run.h5", "0123abc-dirty");
  CHECK(text.find("Commit 0123abc-dirty had uncommitted changes") != std::string::npos);
  CHECK(text.find("git worktree add --detach \"${XDG_CACHE_HOME:-$HOME/.cache}/innosim/commits/0123abc\" "
                  "0123abc\n") != std::string::npos);
}

TEST_CASE("rebuild instructions for an unknown commit say the code cannot be checked out") {
  CHECK(sim::rebuild_instructions("run.h5", "unknown") ==
        "The file does not name the commit that made it, so its code cannot be checked out.\n");
  CHECK(sim::rebuild_instructions("run.h5", "unknown-dirty").find("cannot be checked out") !=
        std::string::npos);
}
