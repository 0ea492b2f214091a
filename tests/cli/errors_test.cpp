// What the system refuses is the user's to fix, so it exits 1 with a message naming the file:
// a store held by another process, a file cxm may not read, a read-only store, a full disk, a
// header too wide to be an export. Tests that need a file system of their own (a full disk, a
// read-only one) or another user mount one as root and are skipped elsewhere.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "test_support.h"

namespace cxm {
namespace {

using cxm::testing::CommandResult;
using cxm::testing::RunCxm;
using cxm::testing::RunProgram;
using cxm::testing::TempDir;
using cxm::testing::WriteFile;

// A tmpfs of `size` at `path`, unmounted on destruction; is_mounted() false where not root.
class SmallFileSystem {
 public:
  SmallFileSystem(const std::string& path, const std::string& size) : path_(path) {
    std::filesystem::create_directories(path);
    is_mounted_ = ::geteuid() == 0 && ::mount("tmpfs", path.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~SmallFileSystem() {
    if (is_mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  bool is_mounted() const { return is_mounted_; }
  bool RemountReadOnly() {
    return ::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }

 private:
  std::string path_;
  bool is_mounted_ = false;
};

TEST(ErrorsTest, StoreInUseByAnotherProcessSaysWhichAndWhatToDo) {
  TempDir dir;
  const std::string db = dir.File("cxm.duckdb");
  Result<store::Store> held = store::Store::Open(db, {});
  ASSERT_TRUE(held.has_value()) << held.error();
  WriteFile(dir.File("customers.csv"), "customer_id\nc1\n");
  const CommandResult result = RunCxm({"--db", db, "ingest", dir.File("customers.csv")});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("the store " + db + " is in use by another cxm process (pid " +
                            std::to_string(::getpid()) + "); wait for it or use --db"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("-readonly"), std::string::npos) << result.err;
}

TEST(ErrorsTest, HeaderOfAMillionColumnsIsRefusedAsAHeaderNotAsMemory) {
  TempDir dir;
  std::string header = "customer_id";
  for (int column = 1; column < 1000000; ++column) header += ",c" + std::to_string(column);
  WriteFile(dir.File("wide.csv"), header + "\n");
  const CommandResult result = RunCxm({"--db", dir.File("cxm.duckdb"), "ingest", dir.File("wide.csv")});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("wide.csv:1: the header has 1000000 columns"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("Memory"), std::string::npos) << result.err;
}

TEST(ErrorsTest, FullDiskNamesTheInputAndKeepsThePreviousState) {
  TempDir dir;
  SmallFileSystem small(dir.File("small"), "6m");
  if (!small.is_mounted()) GTEST_SKIP() << "needs root to mount a small tmpfs";
  const std::string db = dir.File("small/cxm.duckdb");
  WriteFile(dir.File("first.csv"), "customer_id,segment\nc1,a\n");
  ASSERT_EQ(RunCxm({"--db", db, "ingest", dir.File("first.csv")}).exit_code, 0);
  // Far more text than the file system holds (the input itself lives outside it).
  std::string big = "feedback_id,ts,kind,text\n";
  for (int row = 0; row < 60000; ++row) {
    big += "f" + std::to_string(row) + ",2024-01-01,review," + std::string(300, static_cast<char>('a' + row % 26)) + "\n";
  }
  WriteFile(dir.File("big.csv"), big);
  const CommandResult result = RunCxm({"--db", db, "ingest", dir.File("big.csv")});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find(dir.File("big.csv") + ": not loaded, nothing of it was stored"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("No space left on device"), std::string::npos) << result.err;
  const CommandResult after = RunCxm({"--db", db, "query", "--format", "csv",
                                      "SELECT (SELECT count(*) FROM customers) || '/' || (SELECT count(*) FROM feedback) AS n"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, "n\n1/0\n");
}

TEST(ErrorsTest, ReadOnlyStoreIsAUserError) {
  TempDir dir;
  SmallFileSystem small(dir.File("ro"), "8m");
  if (!small.is_mounted()) GTEST_SKIP() << "needs root to mount a tmpfs";
  const std::string db = dir.File("ro/cxm.duckdb");
  ASSERT_EQ(RunCxm({"--db", db, "init"}).exit_code, 0);
  ASSERT_TRUE(small.RemountReadOnly());
  WriteFile(dir.File("customers.csv"), "customer_id\nc1\n");
  const CommandResult result = RunCxm({"--db", db, "ingest", dir.File("customers.csv")});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find(db), std::string::npos) << result.err;
  // Reading it still works.
  EXPECT_EQ(RunCxm({"--db", db, "status"}).exit_code, 0);
}

TEST(ErrorsTest, InputTheUserMayNotReadIsAUserErrorNamingIt) {
  if (::geteuid() != 0 || !std::filesystem::exists("/usr/bin/setpriv")) {
    GTEST_SKIP() << "needs root and setpriv to run cxm as another user";
  }
  TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);
  const std::string secret = dir.File("secret.csv");
  WriteFile(secret, "customer_id\nc1\n");
  ::chmod(secret.c_str(), 0600);
  const CommandResult result = RunProgram({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                           CXM_BINARY, "--db", dir.File("nobody.duckdb"), "ingest", secret});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find(secret), std::string::npos) << result.err;
}

}  // namespace
}  // namespace cxm
