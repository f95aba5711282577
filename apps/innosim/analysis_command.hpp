#pragma once
// `innosim analysis ARGS...`: the Python analysis package (summary, compare, sensitivity,
// calibrate, report) from any working folder. `python3 -m analysis` finds the package only when
// run from the repository root; this runs `/usr/bin/python3 -m analysis ARGS...` with PYTHONPATH
// set to the folder that holds `analysis/`, found beside the executable or where it was built from.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace innosim_app {

// Adds the `analysis` subcommand: every argument after it goes to the package unparsed.
CLI::App* add_analysis_command(CLI::App& app);

// The folder holding `analysis/__main__.py`: `<exe>/..` (a build folder inside the repository),
// `<exe>/../share/innosim/python` (an installed layout), then the source folder the binary was
// built from; nothing when none has it.
std::optional<std::filesystem::path> analysis_package_root();

// Replaces this process with the Python interpreter; returns (2) only when the package is not found
// and (4) when the interpreter cannot be started, after saying why.
int analysis_command(const std::vector<std::string>& arguments);

}  // namespace innosim_app
