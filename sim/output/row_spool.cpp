#include "sim/output/row_spool.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <variant>

#include "sim/core/binary_io.hpp"
#include "sim/output/output_file.hpp"

namespace sim {

namespace {

void write_column(std::ostream& out, const TableColumn& column) {
  binary::write_string(out, column.name);
  binary::write_string(out, column.unit);
  binary::write_string(out, column.description);
  binary::write<std::uint8_t>(out, column.compressible ? 1 : 0);
  binary::write<std::uint64_t>(out, column.labels.size());
  for (const auto& label : column.labels) binary::write_string(out, label);
  binary::write<std::uint64_t>(out, column.values.index());
  std::visit([&](const auto& values) { binary::write_vector(out, values); }, column.values);
}

// The alternative of TableColumn::Values with index `index`, read from `in`.
template <std::size_t I = 0>
TableColumn::Values read_values(std::istream& in, std::uint64_t index) {
  if constexpr (I == std::variant_size_v<TableColumn::Values>) {
    throw binary::ReadError("row spool: unknown column type");
  } else {
    if (index != I) return read_values<I + 1>(in, index);
    std::variant_alternative_t<I, TableColumn::Values> values;
    binary::read_vector(in, values, "row spool column");
    return values;
  }
}

TableColumn read_column(std::istream& in) {
  TableColumn column;
  column.name = binary::read_string(in, "row spool column");
  column.unit = binary::read_string(in, "row spool column");
  column.description = binary::read_string(in, "row spool column");
  column.compressible = binary::read<std::uint8_t>(in, "row spool column") != 0;
  const auto labels = binary::read<std::uint64_t>(in, "row spool column");
  for (std::uint64_t l = 0; l < labels; ++l)
    column.labels.push_back(binary::read_string(in, "row spool label"));
  column.values = read_values(in, binary::read<std::uint64_t>(in, "row spool column"));
  return column;
}

}  // namespace

RowSpool::RowSpool(std::filesystem::path path, std::uint64_t keep_bytes) : path_(std::move(path)) {
  std::error_code error;
  if (keep_bytes == 0) {
    std::filesystem::remove(path_, error);
  } else {
    std::filesystem::resize_file(path_, keep_bytes, error);
    if (error) {
      throw OutputError(fmt::format("cannot cut the row spool '{}' back to its checkpoint: {}",
                                    path_.string(), error.message()));
    }
  }
  out_.open(path_, std::ios::binary | std::ios::app);
  if (!out_) throw OutputError(fmt::format("cannot write the row spool '{}'", path_.string()));
}

void RowSpool::append(const std::string& group, const TableRows& rows) {
  binary::write_string(out_, group);
  binary::write(out_, rows.replicate);
  binary::write(out_, rows.step);
  binary::write_vector(out_, rows.ids);
  binary::write<std::uint64_t>(out_, rows.columns.size());
  for (const auto& column : rows.columns) write_column(out_, column);
}

std::uint64_t RowSpool::sync() {
  out_.flush();
  if (!out_) throw OutputError(fmt::format("cannot write the row spool '{}'", path_.string()));
  // fsync through a descriptor of our own: it flushes the file, whichever descriptor wrote it.
  const int descriptor = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0 || ::fsync(descriptor) != 0) {
    const int error_number = errno;
    if (descriptor >= 0) ::close(descriptor);
    throw OutputError(fmt::format("cannot sync the row spool '{}' to disk: {}", path_.string(),
                                  std::generic_category().message(error_number)));
  }
  ::close(descriptor);
  return std::filesystem::file_size(path_);
}

void RowSpool::close() {
  out_.close();
  if (out_.fail()) throw OutputError(fmt::format("cannot write the row spool '{}'", path_.string()));
}

void read_row_spool(const std::filesystem::path& path,
                    const std::function<void(const std::string& group, const TableRows& rows)>& consume) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OutputError(fmt::format("cannot read the row spool '{}'", path.string()));
  try {
    while (in.peek() != std::ifstream::traits_type::eof()) {
      const std::string group = binary::read_string(in, "row spool group");
      TableRows rows;
      rows.replicate = binary::read<std::int64_t>(in, "row spool");
      rows.step = binary::read<std::int64_t>(in, "row spool");
      binary::read_vector(in, rows.ids, "row spool ids");
      const auto columns = binary::read<std::uint64_t>(in, "row spool");
      for (std::uint64_t c = 0; c < columns; ++c) rows.columns.push_back(read_column(in));
      consume(group, rows);
    }
  } catch (const binary::ReadError& error) {
    throw OutputError(fmt::format("the row spool '{}' is damaged: {}", path.string(), error.what()));
  }
}

}  // namespace sim
