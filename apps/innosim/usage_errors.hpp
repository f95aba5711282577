#pragma once
// Mistakes on the command line itself (a misspelt subcommand, a scenario file that is not there):
// usage errors exit 2 like any other bad input, and say what was probably meant.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace innosim_app {

// "unknown command 'rnu'; did you mean 'run'?" when argv[1] names no subcommand of `app`
// (options such as --help and --version are left to the parser).
std::optional<std::string> unknown_subcommand(const CLI::App& app, int argc, char** argv);

// CLI::ExistingFile with a suggestion: a missing `scenarios/nanhsa.yaml` suggests
// `scenarios/nansha.yaml` from the same folder.
CLI::Validator existing_file_with_suggestion();

}  // namespace innosim_app
