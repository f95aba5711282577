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

// Where a node stands in the schema, so a merge knows which lists merge by name. Without a
// schema (a sweep file) every list is replaced whole.
struct Scope {
  const Schema* schema = nullptr;
  const ObjectSpec* object = nullptr;  // the object whose keys the node's entries are
  bool is_root = false;                // entries are the engine's keys and model sections
  bool is_map = false;                 // entries are user-chosen names, each an `object`
};

// The scope of the value of `key` in a node of scope `scope`; `field` is set to the key's spec.
Scope entry_scope(const Scope& scope, const std::string& key, const FieldSpec** field) {
  *field = nullptr;
  if (scope.schema == nullptr) return {};
  if (scope.is_map) return {scope.schema, scope.object, false, false};
  const FieldSpec* spec = nullptr;
  if (scope.is_root) {
    spec = scope.schema->engine().find(key);
    if (spec == nullptr) {
      const ObjectSpec* section = scope.schema->model_section(key);
      return section == nullptr ? Scope{} : Scope{scope.schema, section, false, false};
    }
  } else if (scope.object != nullptr) {
    spec = scope.object->find(key);
  }
  if (spec == nullptr) return {};
  *field = spec;
  switch (spec->kind) {
    case FieldSpec::Kind::object:
    case FieldSpec::Kind::list_of_objects:  // the scope of each element
      return {scope.schema, spec->element.get(), false, false};
    case FieldSpec::Kind::map_of_objects:
      return {scope.schema, spec->element.get(), false, true};
    case FieldSpec::Kind::scalar:
    case FieldSpec::Kind::list_of_scalars:
      break;
  }
  return {};
}

bool is_keyed_list(const FieldSpec* field) {
  return field != nullptr && field->kind == FieldSpec::Kind::list_of_objects &&
         !field->element->identity_key().empty();
}

// The identity of a list element (its `name`), or nothing when it has none.
std::optional<std::string> identity_of(const SourceNode& item, const std::string& key) {
  if (item.kind != Kind::mapping) return std::nullopt;
  const SourceEntry* entry = item.find(key);
  if (entry == nullptr || entry->value.kind != Kind::scalar || entry->value.scalar.empty())
    return std::nullopt;
  return entry->value.scalar;
}

std::vector<std::string> identities(const SourceNode& list, const std::string& key) {
  std::vector<std::string> names;
  for (const auto& item : list.items) {
    if (auto name = identity_of(item, key)) names.push_back(*name);
  }
  return names;
}

std::string listing(const std::vector<std::string>& names) {
  if (names.empty()) return "it has none";
  std::vector<std::string> quoted;
  for (const auto& n : names) quoted.push_back("'" + n + "'");
  return "it has " + schema_format::join(quoted, ", ");
}

class Merger {
 public:
  explicit Merger(std::vector<InputProblem>& problems) : problems_(problems) {}

  // The inheriting file wins key by key; a value or a list is replaced whole, except a list
  // whose elements have an identity key (see ObjectSpec::keyed_by), merged element by element.
  // An empty section (`output:` with nothing under it) adds nothing.
  void merge(SourceNode& base, SourceNode&& child, const Scope& scope) {
    if (child.kind == Kind::null && base.kind == Kind::mapping) return;
    if (base.kind != Kind::mapping || child.kind != Kind::mapping) {
      base = std::move(child);
      settle(base, scope);
      return;
    }
    base.where = child.where;
    for (SourceEntry& entry : child.entries) {
      const FieldSpec* field = nullptr;
      const Scope inner = entry_scope(scope, entry.key, &field);
      const auto existing = std::find_if(base.entries.begin(), base.entries.end(),
                                         [&](const SourceEntry& e) { return e.key == entry.key; });
      if (existing == base.entries.end()) {
        settle_entry(entry.value, field, inner);
        base.entries.push_back(std::move(entry));
      } else if (is_keyed_list(field)) {
        existing->key_where = entry.key_where;
        merge_list(existing->value, std::move(entry.value), *field, inner);
      } else {
        existing->key_where = entry.key_where;
        merge(existing->value, std::move(entry.value), inner);
      }
    }
  }

  // A tree that merges with nothing (a file without `base:`, or a key its base does not have):
  // `{replace: [...]}` is unwrapped, and a keyed list is checked for duplicate names and for
  // removals, which have nothing to remove.
  void settle(SourceNode& node, const Scope& scope) {
    if (node.kind != Kind::mapping || scope.schema == nullptr) return;
    for (SourceEntry& entry : node.entries) {
      const FieldSpec* field = nullptr;
      const Scope inner = entry_scope(scope, entry.key, &field);
      settle_entry(entry.value, field, inner);
    }
  }

 private:
  void settle_entry(SourceNode& value, const FieldSpec* field, const Scope& scope) {
    if (!is_keyed_list(field)) {
      settle(value, scope);
      return;
    }
    unwrap_replace(value, *field);
    if (value.kind != Kind::sequence) return;
    const std::string& key = field->element->identity_key();
    check_duplicates(value, *field);
    for (auto item = value.items.begin(); item != value.items.end();) {
      if (const SourceEntry* remove = item->kind == Kind::mapping ? item->find("remove") : nullptr) {
        add(remove->key_where, "'remove' takes out an element of the list '" + field->name +
                                   "' of a base file, but there is no base list here to remove '" +
                                   identity_of(*item, key).value_or("") + "' from");
        item = value.items.erase(item);  // reported once, here
        continue;
      }
      settle(*item, scope);
      ++item;
    }
  }

  // `list: {replace: [...]}` becomes `list: [...]`.
  bool unwrap_replace(SourceNode& value, const FieldSpec& field) {
    if (value.kind != Kind::mapping) return false;
    const SourceEntry* replace = value.find("replace");
    if (replace == nullptr || value.entries.size() != 1) {
      add(value.where, "'" + field.name +
                           "' must be a list, or {replace: [...]} to replace the base's list " +
                           "whole; got " + scenario_messages::found(value));
      value = SourceNode{Kind::null, {}, value.where, {}, {}};  // reported once, here
      return false;
    }
    SourceNode list = replace->value;
    value = std::move(list);
    return true;
  }

  void check_duplicates(const SourceNode& list, const FieldSpec& field) {
    const std::string& key = field.element->identity_key();
    std::vector<std::pair<std::string, SourceLocation>> seen;
    for (const auto& item : list.items) {
      const auto name = identity_of(item, key);
      if (!name) continue;
      const auto first =
          std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == *name; });
      const SourceLocation where = item.find(key)->value.where;
      if (first != seen.end()) {
        std::string message = "duplicate " + key + " '" + *name + "' in the list '" + field.name + "'";
        if (first->second.line > 0)
          message += " (first given at line " + std::to_string(first->second.line) + ")";
        add(where, std::move(message));
      } else {
        seen.emplace_back(*name, where);
      }
    }
  }

  void merge_list(SourceNode& base, SourceNode&& child, const FieldSpec& field, const Scope& scope) {
    if (child.kind == Kind::null) return;
    if (child.kind == Kind::mapping) {
      if (unwrap_replace(child, field)) settle_entry(child, &field, scope);
      base = std::move(child);
      return;
    }
    if (base.kind != Kind::sequence || child.kind != Kind::sequence) {
      base = std::move(child);
      settle_entry(base, &field, scope);
      return;
    }
    const std::string& key = field.element->identity_key();
    check_duplicates(child, field);
    const std::vector<std::string> base_names = identities(base, key);
    for (SourceNode& item : child.items) {
      const auto name = identity_of(item, key);
      if (!name) {
        add(item.where, "an element of '" + field.name + "' without a '" + key +
                            "' cannot be merged with the base file's list (" + listing(base_names) +
                            "); give it a '" + key + "', or replace the whole list with '" + field.name +
                            ": {replace: [...]}'");
        continue;
      }
      const auto match = std::find_if(base.items.begin(), base.items.end(),
                                      [&](const SourceNode& b) { return identity_of(b, key) == name; });
      if (const SourceEntry* remove = item.find("remove")) {
        if (remove->value.kind != Kind::scalar || remove->value.scalar != "true") {
          add(remove->value.where, "'remove' must be true, got " + scenario_messages::found(remove->value));
        } else if (item.entries.size() != 2) {
          add(remove->key_where, "an element with 'remove: true' takes only '" + key + "'; to change '" +
                                     *name + "' leave 'remove' out");
        } else if (match == base.items.end()) {
          add(item.find(key)->value.where, "cannot remove '" + *name + "': the base file's list '" +
                                               field.name + "' has no element of that " + key + " (" +
                                               listing(base_names) + ")" + did_you_mean(*name, base_names));
        } else {
          base.items.erase(match);
        }
        continue;
      }
      if (match == base.items.end()) {
        settle(item, scope);
        base.items.push_back(std::move(item));
      } else {
        const SourceLocation defined = match->where;  // the element keeps where it was first given
        merge(*match, std::move(item), scope);
        match->where = defined;
      }
    }
  }

  void add(SourceLocation where, std::string message) {
    problems_.push_back({std::move(where), std::move(message)});
  }

  std::vector<InputProblem>& problems_;
};

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
  Reader(ScenarioSource& source, const Schema* schema)
      : source_(source), scope_{schema, nullptr, true, false} {}

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
    if (entry == root.entries.end()) {
      Merger(source_.problems).settle(root, scope_);
      return root;
    }
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
    Merger(source_.problems).merge(*merged, std::move(root), scope_);
    return merged;
  }

  void add_problem(SourceLocation where, std::string message) {
    source_.problems.push_back({std::move(where), std::move(message)});
  }

  ScenarioSource& source_;
  Scope scope_;
  std::vector<std::pair<fs::path, std::string>> chain_;  // files being read: identity, name as shown
};

std::string join_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// One step of an override path: a key, or `[NAME]`, an element of a keyed list by its name.
struct PathPart {
  std::string text;
  bool is_element = false;
};

// "a.b[x.y z].c" -> a, b, [x.y z], c; `end` is set to where the path ends (its '=', or the end).
// Nothing when a part is empty or a '[' is not closed.
std::optional<std::vector<PathPart>> parse_path(const std::string& text, std::size_t& end) {
  std::vector<PathPart> parts;
  std::string key;
  std::size_t i = 0;
  bool after_element = false;  // a key part may follow only after a '.'
  for (; i < text.size() && text[i] != '='; ++i) {
    const char c = text[i];
    if (c == '[') {
      if (key.empty() && !after_element) return std::nullopt;
      if (!key.empty()) parts.push_back({key, false});
      key.clear();
      const std::size_t close = text.find(']', i + 1);
      if (close == std::string::npos || close == i + 1) return std::nullopt;
      parts.push_back({text.substr(i + 1, close - i - 1), true});
      i = close;
      after_element = true;
      if (i + 1 < text.size() && text[i + 1] != '.' && text[i + 1] != '=' && text[i + 1] != '[')
        return std::nullopt;
    } else if (c == '.') {
      if (key.empty() && !after_element) return std::nullopt;
      if (!key.empty()) parts.push_back({key, false});
      key.clear();
      after_element = false;
    } else {
      if (after_element) return std::nullopt;
      key += c;
    }
  }
  end = i;
  if (key.empty() && !after_element) return std::nullopt;
  if (!key.empty()) parts.push_back({key, false});
  return parts;
}

const SourceNode* child_of(const SourceNode* node, const std::string& key) {
  if (node == nullptr || node->kind != Kind::mapping) return nullptr;
  const SourceEntry* entry = node->find(key);
  return entry == nullptr ? nullptr : &entry->value;
}

// A key of an object, or of one of its variants (a policy's type-specific keys).
const FieldSpec* find_key(const ObjectSpec& object, const std::string& key) {
  if (const FieldSpec* field = object.find(key)) return field;
  for (const auto& variant : object.variants()) {
    if (const FieldSpec* field = variant.spec->find(key)) return field;
  }
  return nullptr;
}

// "unknown key 'smes' in the scenario root; did you mean 'ecosystem.smes'?". A key without a dot
// is more often a model's parameter given without its section than a typo of a root key, so a
// model field of exactly that name wins (the scenario's own model first); else the nearest of the
// root keys and the model fields' last components, the latter suggested with their full path.
std::string unknown_root_key(const std::string& key, const Schema& schema, const SourceNode& root) {
  std::vector<std::string> models = schema.model_names();
  if (const SourceNode* model = child_of(&root, "model"); model != nullptr && model->kind == Kind::scalar) {
    std::stable_partition(models.begin(), models.end(),
                          [&](const std::string& name) { return name == model->scalar; });
  }
  std::vector<std::string> root_keys = schema.engine().field_names();
  root_keys.insert(root_keys.end(), models.begin(), models.end());
  std::vector<std::string> names = root_keys;  // what `key` is compared with
  std::vector<std::string> paths = root_keys;  // what is suggested for each of them
  for (const auto& model : models) {
    for (const auto& field : schema.model_section(model)->field_names()) {
      names.push_back(field);
      paths.push_back(join_path(model, field));
    }
  }
  const auto exact =
      std::find(names.begin() + static_cast<std::ptrdiff_t>(root_keys.size()), names.end(), key);
  const std::string nearest = exact != names.end() ? key : nearest_name(key, names);
  if (nearest.empty()) return scenario_messages::unknown_key(key, "", root_keys);
  const auto at = exact != names.end() ? exact : std::find(names.begin(), names.end(), nearest);
  return "unknown key '" + key + "' in the scenario root; did you mean '" +
         paths[static_cast<std::size_t>(at - names.begin())] + "'?";
}

// Stands for a list's identity key in an override's tree until name_elements knows the list.
const std::string kUnnamedKey = "\x01";

// Gives the placeholder kUnnamedKey of each element in an override's tree its list's identity key.
void name_elements(SourceNode& node, const Scope& scope) {
  if (node.kind != Kind::mapping) return;
  for (SourceEntry& entry : node.entries) {
    const FieldSpec* field = nullptr;
    const Scope inner = entry_scope(scope, entry.key, &field);
    if (is_keyed_list(field) && entry.value.kind == Kind::sequence) {
      for (SourceNode& item : entry.value.items) {
        if (item.kind == Kind::mapping && !item.entries.empty() && item.entries.front().key == kUnnamedKey) {
          item.entries.front().key = field->element->identity_key();
        }
        name_elements(item, inner);
      }
    } else {
      name_elements(entry.value, inner);
    }
  }
}

// Why an override path cannot be set, or nothing when it can. Walks the schema as validation
// will: root keys, then fields; a map of objects takes any entry name, a keyed list the name of
// one of the elements the scenario gives (`root`).
std::optional<std::string> override_path_problem(const std::vector<PathPart>& parts, const Schema& schema,
                                                 const SourceNode& root) {
  if (parts.front().is_element) return "a path starts with a key, not [" + parts.front().text + "]";
  if (parts.front().text == "base") return "'base' can only be given in a scenario file";
  const FieldSpec* field = schema.engine().find(parts.front().text);
  const ObjectSpec* object = schema.model_section(parts.front().text);
  if (field == nullptr && object == nullptr) return unknown_root_key(parts.front().text, schema, root);
  std::string path = parts.front().text;
  const SourceNode* here = child_of(&root, path);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const PathPart& part = parts[i];
    if (object == nullptr) {
      if (part.is_element && !is_keyed_list(field)) {
        return "'" + path + "' is not a list of named elements; [" + part.text + "] selects none";
      }
      switch (field->kind) {
        case FieldSpec::Kind::object:
          object = field->element.get();
          break;
        case FieldSpec::Kind::map_of_objects:
          path += "." + part.text;  // the entry's name, chosen by the user
          here = child_of(here, part.text);
          object = field->element.get();
          continue;
        case FieldSpec::Kind::list_of_objects: {
          const std::string& key = field->element->identity_key();
          if (key.empty()) {
            return "cannot set one element of the list '" + path + "'; set the whole list, e.g. --set " +
                   path + "=[{...}]";
          }
          const std::vector<std::string> names = here != nullptr && here->kind == Kind::sequence
                                                     ? identities(*here, key)
                                                     : std::vector<std::string>{};
          if (!part.is_element) {
            return "select one element of the list '" + path + "' by its " + key + ", e.g. --set '" + path +
                   "[" + (names.empty() ? key : names.front()) + "].KEY=VALUE' (" + listing(names) + ")";
          }
          if (std::find(names.begin(), names.end(), part.text) == names.end()) {
            return "the list '" + path + "' has no element of " + key + " '" + part.text + "' (" +
                   listing(names) + ")" + did_you_mean(part.text, names);
          }
          path += "[" + part.text + "]";
          here = nullptr;
          object = field->element.get();
          continue;
        }
        case FieldSpec::Kind::scalar:
        case FieldSpec::Kind::list_of_scalars:
          return "'" + path + "' is a single value; it has no key '" + part.text + "'";
      }
    }
    if (part.is_element)
      return "'" + path + "' is not a list of named elements; [" + part.text + "] selects none";
    field = find_key(*object, part.text);
    if (field == nullptr) return scenario_messages::unknown_key(part.text, path, object->field_names());
    path = join_path(path, part.text);
    here = child_of(here, part.text);
    object = nullptr;
  }
  return std::nullopt;
}

// The override as a tree to merge: "a.b=5" becomes {a: {b: 5}}, "a.l[x].b=5" {a: {l: [{name: x, b: 5}]}}.
std::optional<SourceNode> parse_override(const std::string& text, const Schema& schema,
                                         const SourceNode& root, std::vector<InputProblem>& problems) {
  const SourceLocation where{"--set " + text, 0, 0};
  std::size_t equals = std::string::npos;
  const auto parts = parse_path(text, equals);
  if (!parts || equals >= text.size()) {
    problems.push_back({where, "expected key.path=value, e.g. --set steps=200 or --set output.events=false"});
    return std::nullopt;
  }
  if (auto problem = override_path_problem(*parts, schema, root)) {
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
  for (auto part = parts->rbegin(); part != parts->rend(); ++part) {
    if (part->is_element) {
      if (value.kind != Kind::mapping) {
        problems.push_back({where, "[" + part->text +
                                       "] is an element of a list: give one of its keys, e.g. [" +
                                       part->text + "].budget=..."});
        return std::nullopt;
      }
      SourceNode list{Kind::sequence, {}, where, {}, {}};
      value.entries.insert(value.entries.begin(),
                           {kUnnamedKey, where, SourceNode{Kind::scalar, part->text, where, {}, {}}});
      list.items.push_back(std::move(value));
      value = std::move(list);
      continue;
    }
    SourceNode parent{Kind::mapping, {}, where, {}, {}};
    parent.entries.push_back({part->text, where, std::move(value)});
    value = std::move(parent);
  }
  name_elements(value, Scope{&schema, nullptr, true, false});
  return value;
}

}  // namespace

ScenarioSource read_file(const std::filesystem::path& file, const Schema* schema) {
  ScenarioSource source;
  std::optional<SourceNode> root = Reader(source, schema).read_file(file, nullptr);
  source.is_complete = root.has_value();
  if (root) source.root = std::move(*root);
  return source;
}

ScenarioSource read_text(const std::string& yaml_text, const std::string& origin, const Schema* schema) {
  ScenarioSource source;
  std::optional<SourceNode> root = Reader(source, schema).read_text(yaml_text, origin);
  source.is_complete = root.has_value();
  if (root) source.root = std::move(*root);
  return source;
}

void apply_overrides(ScenarioSource& source, const std::vector<std::string>& overrides,
                     const Schema& schema) {
  for (const auto& text : overrides) {
    source.origins.push_back("--set " + text);
    if (auto tree = parse_override(text, schema, source.root, source.problems)) {
      Merger(source.problems).merge(source.root, std::move(*tree), Scope{&schema, nullptr, true, false});
    }
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
