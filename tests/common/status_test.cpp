#include "common/status.h"

#include <gtest/gtest.h>

namespace cxm {
namespace {

Result<int> ParsePositive(int value) {
  if (value <= 0) return Status::InvalidArgument("value must be positive");
  return value;
}

Result<int> Doubled(int value) {
  CXM_ASSIGN_OR_RETURN(int positive, ParsePositive(value));
  return positive * 2;
}

Status CheckBoth(int first, int second) {
  CXM_TRY(ParsePositive(first).error());
  CXM_TRY(ParsePositive(second).error());
  return Status::Ok();
}

TEST(StatusTest, DefaultIsOk) {
  EXPECT_TRUE(Status().ok());
  EXPECT_EQ(Status().ToString(), "ok");
}

TEST(StatusTest, PrefixedAddsContextAndKeepsCode) {
  const Status status = Status::NotFound("no such file").Prefixed("orders.toml");
  EXPECT_EQ(status.code(), Status::Code::kNotFound);
  EXPECT_EQ(status.message(), "orders.toml: no such file");
  EXPECT_TRUE(Status::Ok().Prefixed("anything").ok());
}

TEST(ResultTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Doubled(21), 42);
  const Result<int> failed = Doubled(-1);
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(failed.error().message(), "value must be positive");
}

TEST(ResultTest, TryReturnsOnTheFirstFailure) {
  EXPECT_TRUE(CheckBoth(1, 2).ok());
  EXPECT_EQ(CheckBoth(1, -2).message(), "value must be positive");
}

}  // namespace
}  // namespace cxm
