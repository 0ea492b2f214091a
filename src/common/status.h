// Status and Result<T>: how operations that can fail report it, without exceptions.
//
// A Status is either OK or carries a Code and a message that names the thing that failed and
// what to do about it. Result<T> holds a T or a non-OK Status, with std::expected's accessor
// names (GCC 12 has no <expected> in C++20).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <variant>

#include "common/check.h"

namespace cxm {

class [[nodiscard]] Status {
 public:
  enum class Code : std::uint8_t {
    kOk,
    kInvalidArgument,  // the user's input or invocation is wrong: exit code 1
    kNotFound,         // a named file, table or object does not exist: exit code 1
    kIo,               // the system refused (permissions, full disk, a store in use): exit code 1
    kSql,              // the database reported an error: exit code 2 unless user SQL
    kVersion,          // the database or model is from a newer cxm: exit code 1
    kInternal,         // a bug or an unexpected state: exit code 2
  };

  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return {Code::kInvalidArgument, std::move(message)};
  }
  static Status NotFound(std::string message) { return {Code::kNotFound, std::move(message)}; }
  static Status Io(std::string message) { return {Code::kIo, std::move(message)}; }
  static Status Sql(std::string message) { return {Code::kSql, std::move(message)}; }
  static Status Version(std::string message) { return {Code::kVersion, std::move(message)}; }
  static Status Internal(std::string message) { return {Code::kInternal, std::move(message)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Adds context as the error travels up: "orders.toml: <message>".
  Status Prefixed(const std::string& context) const {
    if (ok()) return *this;
    return {code_, context + ": " + message_};
  }

  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& out, const Status& status);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit like std::expected
  Result(Status status) : state_(std::move(status)) {  // NOLINT
    CXM_CHECK(!std::get<Status>(state_).ok()) << "Result built from an OK Status";
  }

  bool has_value() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    CXM_CHECK(has_value()) << error().ToString();
    return std::get<T>(state_);
  }
  const T& value() const& {
    CXM_CHECK(has_value()) << error().ToString();
    return std::get<T>(state_);
  }
  T&& value() && {
    CXM_CHECK(has_value()) << error().ToString();
    return std::get<T>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Status& error() const {
    static const Status kOkStatus;
    return has_value() ? kOkStatus : std::get<Status>(state_);
  }

 private:
  std::variant<T, Status> state_;
};

}  // namespace cxm

#define CXM_CONCAT_INNER_(a, b) a##b
#define CXM_CONCAT_(a, b) CXM_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function unless it is OK.
#define CXM_TRY(expr)                               \
  do {                                              \
    ::cxm::Status cxm_try_status_ = (expr);         \
    if (!cxm_try_status_.ok()) return cxm_try_status_; \
  } while (false)

// lhs = value of a Result, or return its error from the enclosing function.
#define CXM_ASSIGN_OR_RETURN(lhs, expr) \
  CXM_ASSIGN_OR_RETURN_IMPL_(CXM_CONCAT_(cxm_result_, __LINE__), lhs, expr)
#define CXM_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                               \
  if (!result.has_value()) return result.error();     \
  lhs = std::move(result).value()
