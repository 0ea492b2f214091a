// Test helpers: where fixtures and shared data live, throw-away folders, and running `cxm`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "store/store.h"

namespace cxm::testing {

std::string FixturePath(const std::string& relative);      // tests/fixtures/<relative>
std::string ExamplePath(const std::string& relative);      // examples/<relative>
std::string SharedDataPath(const std::string& relative);   // ../shared/data/<relative>

// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes `contents` to `path` (binary).
void WriteFile(const std::string& path, const std::string& contents);

// Runs one query expected to return a single BIGINT (e.g. a count).
std::int64_t QueryInt(store::Connection& connection, const std::string& sql);
// Runs one query expected to return a single text value ("" for NULL).
std::string QueryText(store::Connection& connection, const std::string& sql);

// A fixture with a fresh store file in a throw-away folder, and one-value queries over it.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  std::int64_t Count(const std::string& sql) { return QueryInt(store_->connection(), sql); }
  std::string Text(const std::string& sql) { return QueryText(store_->connection(), sql); }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the built cxm binary with `args` (no shell), capturing stdout and stderr.
CommandResult RunCxm(const std::vector<std::string>& args);
// Runs any program (argv[0] its path), likewise.
CommandResult RunProgram(const std::vector<std::string>& argv);

// Starts the built cxm binary with `args` and its output sent to the given files; returns its
// pid (0 on failure) for the caller to wait for or kill.
int StartCxm(const std::vector<std::string>& args, const std::string& out_path,
             const std::string& err_path);

}  // namespace cxm::testing
