// Running one analysis of the cxm binary on a store and reading its finding as JSON, for the
// tests that drive cxm as a user does (real exports, planted traps).
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace cxm::testing {

// `cxm --db DB ARGS... --format json`, expected to succeed; its first finding.
inline nlohmann::json RunFinding(const std::string& db, std::vector<std::string> args) {
  args.insert(args.begin(), {"--db", db});
  args.insert(args.end(), {"--format", "json"});
  const CommandResult result = RunCxm(args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.exit_code == 0 ? nlohmann::json::parse(result.out) : nlohmann::json::object();
}

}  // namespace cxm::testing
