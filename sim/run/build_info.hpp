#pragma once
// Provenance of this binary, recorded in every output's manifest.
namespace sim {
const char* innosim_version();  // project version from CMakeLists.txt
const char* build_type();       // Release, Debug, ...
const char* git_commit();       // commit the binary was built from, "-dirty" if uncommitted changes
}  // namespace sim
