#pragma once
// suite.json: the whole SuiteResult, versioned; written by `suite`, read back by `suite merge`.
#include <optional>
#include <string>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

inline constexpr int kSuiteSchemaVersion = 1;

std::string render_suite_json(const SuiteResult& result);

// Empty with *error when the text is not a suite.json of this schema version.
std::optional<SuiteResult> parse_suite_json(const std::string& text, std::string* error);

}  // namespace forkcheck::harness
