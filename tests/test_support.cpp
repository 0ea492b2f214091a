#include "test_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

namespace cxm::testing {

std::string FixturePath(const std::string& relative) {
  return std::string(CXM_FIXTURES_DIR) + "/" + relative;
}
std::string ExamplePath(const std::string& relative) {
  return std::string(CXM_EXAMPLES_DIR) + "/" + relative;
}
std::string SharedDataPath(const std::string& relative) {
  return std::string(CXM_SHARED_DATA_DIR) + "/" + relative;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("cxm-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream file(path, std::ios::binary);
  file << contents;
}

void StoreTest::SetUp() {
  // Loads read fixtures, examples, shared data and files the test writes: the sandbox lets the
  // store read those folders (cxm's commands name exact files instead).
  Result<store::Store> opened = store::Store::Open(
      dir_.File("cxm.duckdb"), {.readable_folders = {dir_.path().string(), FixturePath(""),
                                                     ExamplePath(""), SharedDataPath("")}});
  ASSERT_TRUE(opened.has_value()) << opened.error();
  store_ = std::make_unique<store::Store>(std::move(opened).value());
}

std::int64_t QueryInt(store::Connection& connection, const std::string& sql) {
  Result<store::QueryResult> result = connection.Query(sql);
  EXPECT_TRUE(result.has_value()) << sql << ": " << result.error();
  if (!result.has_value()) return -1;
  return result->ScalarInt64().value_or(-1);
}

std::string QueryText(store::Connection& connection, const std::string& sql) {
  Result<store::QueryResult> result = connection.Query(sql);
  EXPECT_TRUE(result.has_value()) << sql << ": " << result.error();
  if (!result.has_value()) return "";
  return result->ScalarText().value_or("");
}


namespace {

// argv[0] is the program's path; no shell.
int StartProgram(const std::vector<std::string>& argv_in, const std::string& out_path,
                 const std::string& err_path) {
  // posix_spawn, not fork: the test process runs DuckDB's threads.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> copies = argv_in;
  std::vector<char*> argv;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  const int spawned = ::posix_spawn(&child, copies[0].c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return spawned == 0 ? child : 0;
}

}  // namespace

int StartCxm(const std::vector<std::string>& args, const std::string& out_path,
             const std::string& err_path) {
  std::vector<std::string> argv = {CXM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return StartProgram(argv, out_path, err_path);
}

CommandResult RunProgram(const std::vector<std::string>& argv) {
  // Output goes to temp files, so a chatty child never blocks on a full pipe.
  TempDir capture;
  const std::string out_path = capture.File("out");
  const std::string err_path = capture.File("err");
  const pid_t child = StartProgram(argv, out_path, err_path);
  if (child == 0) return {.exit_code = 127, .err = "cannot start " + argv[0]};
  int status = 0;
  ::waitpid(child, &status, 0);
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream out_file(out_path), err_file(err_path);
  std::stringstream out_text, err_text;
  out_text << out_file.rdbuf();
  err_text << err_file.rdbuf();
  result.out = out_text.str();
  result.err = err_text.str();
  return result;
}

CommandResult RunCxm(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {CXM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv);
}

}  // namespace cxm::testing
