#pragma once
// Errors in what a person wrote (scenario files, --set overrides, command-line values).
// They carry where the problem is so the message can start with file:line:column, and a list of
// problems so one run reports everything wrong with a file at once.
#include <stdexcept>
#include <string>
#include <vector>

namespace sim {

// Where a piece of input came from. Lines and columns are 1-based; 0 means "not known"
// (e.g. a value given with --set on the command line, where `origin` names the option).
struct SourceLocation {
  std::string origin;  // file path as the user gave it, or "--set a.b=c"
  int line = 0;
  int column = 0;

  // "scenarios/x.yaml:42:7", or just the origin when line is unknown.
  [[nodiscard]] std::string to_string() const;
};

struct InputProblem {
  SourceLocation where;
  std::string message;  // what was expected, what was found, and a suggestion

  // "scenarios/x.yaml:42:7: unknown key 'pilot_capasity' in 'platforms'; did you mean ...?"
  [[nodiscard]] std::string to_string() const;
};

// Thrown when input is wrong. what() holds every problem, one per line.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<InputProblem> problems);
  InputError(SourceLocation where, std::string message);

  [[nodiscard]] const std::vector<InputProblem>& problems() const { return problems_; }

 private:
  std::vector<InputProblem> problems_;
};

// The closest candidate to `word` by edit distance, or "" if none is close enough to be a
// plausible typo (distance at most max(2, |word|/3)).
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);
// "; did you mean 'nearest'?" to end a message with, or "" when no candidate is near.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace sim
