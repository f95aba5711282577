#pragma once
// The ecosystem model's version, written in every output's manifest (sim::ModelDefinition::version).
// Raise it with any change that moves the results of a scenario and seed (a new phase, a changed
// draw, a new default), so `innosim reproduce` on an older file says the model changed and names the
// commit to build; the published runs under scenarios/published/ then need re-recording
// (docs/reproducing.md).
namespace models::ecosystem {
inline constexpr const char* kVersion = "ecosystem 2.4";
}  // namespace models::ecosystem
