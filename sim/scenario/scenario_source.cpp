#include "sim/scenario/scenario_source.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <tuple>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "sim/scenario/scenario_messages.hpp"
#include "sim/scenario/schema_format.hpp"
#include "sim/scenario/utf8.hpp"

namespace sim::scenario_source {

namespace fs = std::filesystem;

const SourceEntry* SourceNode::find(const std::string& key) const {
  const auto it =
      std::find_if(entries.begin(), entries.end(), [&](const SourceEntry& e) { return e.key == key; });
  return it == entries.end() ? nullptr : &*it;
}

namespace {

using Kind = SourceNode::Kind;

// yaml-cpp's marks count from 0; people count lines and columns from 1.
SourceLocation location(const YAML::Mark& mark, const std::string& origin) {
  if (mark.is_null() || mark.line < 0) return {origin, 0, 0};
  return {origin, mark.line + 1, mark.column + 1};
}

// Turns yaml-cpp's tree into a SourceNode tree. Duplicate keys (yaml-cpp keeps both pairs) and
// keys that are not names become problems; the first of two duplicates is kept.
class Converter {
 public:
  // Values from --set have no useful positions (has_positions false): they point at the option.
  Converter(std::string origin, bool has_positions, std::vector<InputProblem>& problems)
      : origin_(std::move(origin)), has_positions_(has_positions), problems_(problems) {}

  SourceNode convert(const YAML::Node& node, const SourceLocation& key_where) {
    SourceNode out;
    out.where = where(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        // The mark of an empty value is where the next token starts, often the next line.
        if (out.where.line != key_where.line || out.where.line == 0) out.where = key_where;
        break;
      case YAML::NodeType::Scalar:
        out.kind = Kind::scalar;
        out.scalar = node.Scalar();
        break;
      case YAML::NodeType::Sequence:
        out.kind = Kind::sequence;
        for (const auto& item : node) out.items.push_back(convert(item, out.where));
        break;
      case YAML::NodeType::Map:
        out.kind = Kind::mapping;
        add_entries(node, out);
        break;
    }
    return out;
  }

 private:
  SourceLocation where(const YAML::Mark& mark) const {
    return has_positions_ ? location(mark, origin_) : SourceLocation{origin_, 0, 0};
  }

  void add_entries(const YAML::Node& map, SourceNode& out) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const SourceLocation key_where = where(it->first.Mark());
      if (!it->first.IsScalar()) {
        problems_.push_back({key_where, "a key must be a name, got " + describe_key(it->first)});
        continue;
      }
      const std::string key = it->first.Scalar();
      if (const SourceEntry* first = out.find(key)) {
        std::string message = "duplicate key '" + key + "'";
        if (first->key_where.line > 0)
          message += " (first given at line " + std::to_string(first->key_where.line) + ")";
        problems_.push_back({key_where, std::move(message)});
        continue;
      }
      out.entries.push_back({key, key_where, convert(it->second, key_where)});
    }
  }

  static std::string describe_key(const YAML::Node& key) {
    if (key.IsSequence()) return "a list";
    if (key.IsMap()) return "a mapping";
    return "an empty key";
  }

  std::string origin_;
  bool has_positions_;
  std::vector<InputProblem>& problems_;
};

std::string line_of(const std::string& text, int line_index) {
  std::istringstream lines(text);
  std::string line;
  for (int i = 0; i <= line_index && std::getline(lines, line); ++i) {
  }
  return line;
}

// yaml-cpp names the parser's state ("illegal map value"); say what to look for instead.
std::string readable_parse_message(const std::string& yaml_message) {
  if (yaml_message == "illegal map value") {
    return "unexpected ':' here; check the indentation of this line, or quote a value that contains ': '";
  }
  if (yaml_message == "end of map not found" || yaml_message == "end of sequence not found") {
    return "the indentation does not line up with the keys above; check this line";
  }
  if (yaml_message == "end of sequence flow not found") return "a '[' list is not closed with ']'";
  if (yaml_message == "end of map flow not found") return "a '{' mapping is not closed with '}'";
  if (yaml_message == "block sequence entries are not allowed in this context") {
    return "a '- ' list entry is not allowed here; check the indentation";
  }
  if (yaml_message == "the referenced anchor is not defined")
    return "this alias names an anchor that is not defined";
  return "invalid YAML: " + yaml_message;
}

// Line and column of the innermost `opener` ('[' or '{') still open at byte `end`, skipping
// comments and quoted text; nothing when there is none.
std::optional<std::pair<int, int>> unclosed_flow_start(const std::string& text, std::size_t end,
                                                       char opener) {
  struct Open {
    char bracket;
    int line;
    int column;
  };
  std::vector<Open> open;
  int line = 1;
  int column = 1;
  char quote = 0;       // the quote character of the quoted text we are in, or 0
  char previous = ' ';  // the previous character that is not a space
  bool in_comment = false;
  for (std::size_t i = 0; i < std::min(end, text.size()); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      column = 1;
      in_comment = false;
      previous = ' ';
      continue;
    }
    if (!in_comment) {
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if ((c == '\'' || c == '"') &&
                 std::string_view(" [{,:").find(previous) != std::string_view::npos) {
        quote = c;
      } else if (c == '#' && (column == 1 || text[i - 1] == ' ' || text[i - 1] == '\t')) {
        in_comment = true;
      } else if (c == '[' || c == '{') {
        open.push_back({c, line, column});
      } else if ((c == ']' || c == '}') && !open.empty() && open.back().bracket == (c == ']' ? '[' : '{')) {
        open.pop_back();
      }
      if (c != ' ' && c != '\t') previous = c;
    }
    // Columns count characters, not the continuation bytes of UTF-8 sequences.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++column;
  }
  for (auto it = open.rbegin(); it != open.rend(); ++it) {
    if (it->bracket == opener) return std::pair(it->line, it->column);
  }
  return std::nullopt;
}

InputProblem parse_problem(const YAML::Exception& error, const std::string& text, const std::string& origin) {
  SourceLocation where = location(error.mark, origin);
  if (where.line == 0) where = {origin, 1, 1};
  // YAML forbids tabs in indentation, and yaml-cpp reports them as whatever structure they broke.
  const std::string line = line_of(text, where.line - 1);
  const std::size_t indentation_end = line.find_first_not_of(" \t");
  const std::size_t tab = line.substr(0, indentation_end).find('\t');
  if (tab != std::string::npos) {
    return {{origin, where.line, static_cast<int>(tab) + 1},
            "tab character in the indentation; indent with spaces"};
  }
  // yaml-cpp notices an unclosed '[' or '{' where something else begins, often lines later; the
  // place to fix is where the list or mapping was opened.
  const bool is_unclosed_list = error.msg == "end of sequence flow not found";
  if (is_unclosed_list || error.msg == "end of map flow not found") {
    const std::size_t end = error.mark.pos < 0 ? text.size() : static_cast<std::size_t>(error.mark.pos);
    if (const auto opened = unclosed_flow_start(text, end, is_unclosed_list ? '[' : '{')) {
      return {{origin, opened->first, opened->second},
              is_unclosed_list ? "this '[' list is not closed with ']'"
                               : "this '{' mapping is not closed with '}'"};
    }
  }
  return {where, readable_parse_message(error.msg)};
}

// The inheriting file wins key by key; a value or a list is replaced whole. An empty section
// (`output:` with nothing under it) adds nothing.
void merge_into(SourceNode& base, SourceNode&& child) {
  if (child.kind == Kind::null && base.kind == Kind::mapping) return;
  if (base.kind != Kind::mapping || child.kind != Kind::mapping) {
    base = std::move(child);
    return;
  }
  base.where = child.where;
  for (SourceEntry& entry : child.entries) {
    const auto existing = std::find_if(base.entries.begin(), base.entries.end(),
                                       [&](const SourceEntry& e) { return e.key == entry.key; });
    if (existing == base.entries.end()) {
      base.entries.push_back(std::move(entry));
    } else {
      existing->key_where = entry.key_where;
      merge_into(existing->value, std::move(entry.value));
    }
  }
}

// Where documents start. yaml-cpp 0.7 (YAML::LoadAll) never returns on a ',' outside [ ] or { }
// at the start of a document: the parser yields an empty document without consuming the ',' and
// is asked for the next one forever (found by fuzz/fuzz_scenario.cpp; tests/bad_inputs/
// stray_comma.yaml). So documents are counted here, two at most, and a document that starts
// where the previous one started means the parser is stuck there.
struct DocumentScan {
  std::optional<YAML::Mark> stuck_at;         // the text the parser cannot get past
  std::optional<YAML::Mark> second_document;  // the first value of a second document
};

class DocumentStart final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> start;        // of the document (its `---`, or its first token)
  std::optional<YAML::Mark> first_value;  // of its first node

  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { value_at(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { value_at(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    value_at(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    value_at(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    value_at(mark);
  }
  void OnMapEnd() override {}

 private:
  void value_at(const YAML::Mark& mark) {
    if (!first_value) first_value = mark;
  }
};

DocumentScan scan_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentScan scan;
  DocumentStart first;
  if (!parser.HandleNextDocument(first)) return scan;
  DocumentStart second;
  if (!parser.HandleNextDocument(second)) return scan;
  if (first.start && second.start && first.start->pos == second.start->pos) {
    scan.stuck_at = first.start;
  } else {
    scan.second_document = second.first_value ? second.first_value : second.start;
  }
  return scan;
}

// Reads a scenario and the chain of files it inherits from.
class Reader {
 public:
  explicit Reader(ScenarioSource& source) : source_(source) {}

  // `named_at` is the `base:` value naming the file; null for the file the user gave.
  std::optional<SourceNode> read_file(const fs::path& file, const SourceLocation* named_at) {
    const std::string name = file.string();
    std::error_code error;
    fs::path identity = fs::weakly_canonical(file, error);
    if (error) identity = file.lexically_normal();
    const auto repeated =
        std::find_if(chain_.begin(), chain_.end(), [&](const auto& f) { return f.first == identity; });
    if (repeated != chain_.end()) {
      std::vector<std::string> names;
      for (const auto& link : chain_) names.push_back(link.second);
      names.push_back(name);
      add_problem(*named_at, "circular base: " + schema_format::join(names, " -> "));
      return std::nullopt;
    }
    // A base that is a device or a pipe (`base: /dev/zero`) would be read forever.
    if (named_at != nullptr && fs::exists(file, error) && !fs::is_regular_file(file, error)) {
      add_problem(*named_at, "base file '" + name + "' is not a regular file");
      return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in || fs::is_directory(file, error)) {
      const bool exists = fs::exists(file, error);
      if (named_at != nullptr) {
        add_problem(*named_at, "base file '" + name + "' " + (exists ? "cannot be read" : "does not exist"));
      } else {
        add_problem({name, 0, 0}, exists ? "cannot read the scenario file" : "scenario file does not exist");
      }
      return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    chain_.emplace_back(identity, name);
    auto root = read_text(text.str(), name);
    chain_.pop_back();
    return root;
  }

  std::optional<SourceNode> read_text(const std::string& text, const std::string& origin) {
    if (std::find(source_.origins.begin(), source_.origins.end(), origin) == source_.origins.end()) {
      source_.origins.push_back(origin);
    }
    if (const auto invalid = utf8::find_invalid(text)) {
      add_problem({origin, invalid->line, invalid->column},
                  "the file is not UTF-8 text: found " + invalid->description + "; save it as UTF-8");
      return std::nullopt;
    }
    std::optional<YAML::Node> document = parse_document(text, origin);
    if (!document) return std::nullopt;
    const SourceLocation start{origin, 1, 1};
    SourceNode root = Converter(origin, true, source_.problems).convert(*document, start);
    // Keys missing from the root are reported at the top of the file, not at its first key.
    root.where = start;
    return follow_base(std::move(root), origin);
  }

 private:
  std::optional<YAML::Node> parse_document(const std::string& text, const std::string& origin) {
    YAML::Node document;
    DocumentScan scan;
    try {
      document = YAML::Load(text);  // the first document only
      scan = scan_documents(text);
    } catch (const YAML::Exception& error) {
      source_.problems.push_back(parse_problem(error, text, origin));
      return std::nullopt;
    }
    if (scan.stuck_at) {
      const SourceLocation where = location(*scan.stuck_at, origin);
      const auto offset = static_cast<std::size_t>(scan.stuck_at->pos);
      const char found = offset < text.size() ? text[offset] : ' ';
      add_problem(where, found == ','
                             ? std::string("unexpected ','; commas separate items only inside [ ] or { }")
                             : "invalid YAML: unexpected '" + std::string(1, found) + "'");
      return std::nullopt;
    }
    const SourceLocation start{origin, 1, 1};
    if (document.IsNull()) {
      add_problem(start, "the scenario is empty; it needs at least 'model: <name>'");
      return std::nullopt;
    }
    if (!document.IsMap()) {
      const std::string found = document.IsSequence() ? "a list" : "'" + document.Scalar() + "'";
      add_problem(start, "a scenario must be a mapping of keys to values, got " + found);
      return std::nullopt;
    }
    if (scan.second_document) {
      add_problem(location(*scan.second_document, origin),
                  "a scenario file holds one YAML document; found a second");
    }
    return document;
  }

  // `base:` is read first and this file merged over it; the key itself is not part of the scenario.
  std::optional<SourceNode> follow_base(SourceNode root, const std::string& origin) {
    const auto entry = std::find_if(root.entries.begin(), root.entries.end(),
                                    [](const SourceEntry& e) { return e.key == "base"; });
    if (entry == root.entries.end()) return root;
    const SourceNode base_value = std::move(entry->value);
    root.entries.erase(entry);
    if (base_value.kind != Kind::scalar || base_value.scalar.empty()) {
      add_problem(base_value.where,
                  "'base' must be the path of a scenario file, got " + scenario_messages::found(base_value));
      return std::nullopt;
    }
    const fs::path base_file = (fs::path(origin).parent_path() / base_value.scalar).lexically_normal();
    std::optional<SourceNode> merged = read_file(base_file, &base_value.where);
    if (!merged) return std::nullopt;
    merge_into(*merged, std::move(root));
    return merged;
  }

  void add_problem(SourceLocation where, std::string message) {
    source_.problems.push_back({std::move(where), std::move(message)});
  }

  ScenarioSource& source_;
  std::vector<std::pair<fs::path, std::string>> chain_;  // files being read: identity, name as shown
};

std::string join_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// Why an override path cannot be set, or nothing when it can. Walks the schema as validation
// will: root keys, then fields; a map of objects takes any entry name.
std::optional<std::string> override_path_problem(const std::vector<std::string>& parts,
                                                 const Schema& schema) {
  if (parts.front() == "base") return "'base' can only be given in a scenario file";
  const FieldSpec* field = schema.engine().find(parts.front());
  const ObjectSpec* object = schema.model_section(parts.front());
  if (field == nullptr && object == nullptr) {
    std::vector<std::string> candidates = schema.engine().field_names();
    for (const auto& model : schema.model_names()) candidates.push_back(model);
    return scenario_messages::unknown_key(parts.front(), "", candidates);
  }
  std::string path = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (object == nullptr) {
      switch (field->kind) {
        case FieldSpec::Kind::object:
          object = field->element.get();
          break;
        case FieldSpec::Kind::map_of_objects:
          path += "." + parts[i];  // the entry's name, chosen by the user
          object = field->element.get();
          continue;
        case FieldSpec::Kind::list_of_objects:
          return "cannot set one element of the list '" + path + "'; set the whole list, e.g. --set " + path +
                 "=[{...}]";
        case FieldSpec::Kind::scalar:
        case FieldSpec::Kind::list_of_scalars:
          return "'" + path + "' is a single value; it has no key '" + parts[i] + "'";
      }
    }
    field = object->find(parts[i]);
    if (field == nullptr) return scenario_messages::unknown_key(parts[i], path, object->field_names());
    path = join_path(path, parts[i]);
    object = nullptr;
  }
  return std::nullopt;
}

// The override as a tree to merge: "a.b=5" becomes {a: {b: 5}}.
std::optional<SourceNode> parse_override(const std::string& text, const Schema& schema,
                                         std::vector<InputProblem>& problems) {
  const SourceLocation where{"--set " + text, 0, 0};
  const std::size_t equals = text.find('=');
  const std::vector<std::string> parts = split_path(text.substr(0, std::min(equals, text.size())));
  const bool is_malformed = equals == std::string::npos ||
                            std::any_of(parts.begin(), parts.end(), [](const auto& p) { return p.empty(); });
  if (is_malformed) {
    problems.push_back({where, "expected key.path=value, e.g. --set steps=200 or --set output.events=false"});
    return std::nullopt;
  }
  if (auto problem = override_path_problem(parts, schema)) {
    problems.push_back({where, std::move(*problem)});
    return std::nullopt;
  }
  const std::string value_text = text.substr(equals + 1);
  if (const auto invalid = utf8::find_invalid(value_text)) {
    problems.push_back({where, "the value is not UTF-8 text: found " + invalid->description});
    return std::nullopt;
  }
  SourceNode value{Kind::scalar, value_text, where, {}, {}};
  if (!value_text.empty()) {
    try {
      value = Converter(where.origin, false, problems).convert(YAML::Load(value_text), where);
    } catch (const YAML::Exception& error) {
      problems.push_back({where, "the value is not valid YAML: " + readable_parse_message(error.msg)});
      return std::nullopt;
    }
  }
  for (auto part = parts.rbegin(); part != parts.rend(); ++part) {
    SourceNode parent{Kind::mapping, {}, where, {}, {}};
    parent.entries.push_back({*part, where, std::move(value)});
    value = std::move(parent);
  }
  return value;
}

}  // namespace

ScenarioSource read_file(const std::filesystem::path& file) {
  ScenarioSource source;
  std::optional<SourceNode> root = Reader(source).read_file(file, nullptr);
  source.is_complete = root.has_value();
  if (root) source.root = std::move(*root);
  return source;
}

ScenarioSource read_text(const std::string& yaml_text, const std::string& origin) {
  ScenarioSource source;
  std::optional<SourceNode> root = Reader(source).read_text(yaml_text, origin);
  source.is_complete = root.has_value();
  if (root) source.root = std::move(*root);
  return source;
}

void apply_overrides(ScenarioSource& source, const std::vector<std::string>& overrides,
                     const Schema& schema) {
  for (const auto& text : overrides) {
    source.origins.push_back("--set " + text);
    if (auto tree = parse_override(text, schema, source.problems)) merge_into(source.root, std::move(*tree));
  }
}

std::vector<InputProblem> in_reading_order(std::vector<InputProblem> problems,
                                           const std::vector<std::string>& origins) {
  const auto rank = [&](const InputProblem& problem) {
    return std::find(origins.begin(), origins.end(), problem.where.origin) - origins.begin();
  };
  std::stable_sort(problems.begin(), problems.end(), [&](const InputProblem& a, const InputProblem& b) {
    return std::tuple(rank(a), a.where.line, a.where.column) <
           std::tuple(rank(b), b.where.line, b.where.column);
  });
  return problems;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace sim::scenario_source
