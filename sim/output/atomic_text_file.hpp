#pragma once
// Small text files (sweep identity, --profile-json) written the way run outputs are: to a partial
// file beside the target, then renamed onto it, so a reader never sees half a file and a killed
// writer never leaves one that looks complete.
#include <filesystem>
#include <string>

namespace sim {

// Writes `text` to `<path>.partial-<pid>` (the pid keeps concurrent writers, such as sweep shards,
// off each other's partial files) and renames it onto `path`, creating the folder when missing.
// Throws OutputError naming the file and the reason.
void write_text_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace sim
