// CXM_CHECK(cond) << why;  aborts in every build when a program invariant is broken.
// For bugs only: no user input may reach a failing check (errors are Status, bad rows rejects).
#pragma once

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace cxm::internal {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition) {
    stream_ << file << ":" << line << ": CXM_CHECK failed: " << condition << " ";
  }
  [[noreturn]] ~CheckFailure() {
    std::cerr << stream_.str() << std::endl;
    std::abort();
  }
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

}  // namespace cxm::internal

#define CXM_CHECK(condition) \
  if (condition) {           \
  } else                     \
    ::cxm::internal::CheckFailure(__FILE__, __LINE__, #condition).stream()
