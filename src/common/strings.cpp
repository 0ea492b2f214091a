#include "common/strings.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cxm {

std::string ToLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (size_t part_idx = 0; part_idx < parts.size(); ++part_idx) {
    if (part_idx > 0) joined += separator;
    joined += parts[part_idx];
  }
  return joined;
}

namespace {
std::string Quote(std::string_view text, char quote) {
  std::string quoted(1, quote);
  for (char c : text) {
    if (c == quote) quoted += quote;
    quoted += c;
  }
  quoted += quote;
  return quoted;
}
}  // namespace

std::string QuoteIdentifier(std::string_view identifier) { return Quote(identifier, '"'); }
std::string QuoteLiteral(std::string_view text) { return Quote(text, '\''); }

std::string JsonQuote(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string quoted = "\"";
  for (const unsigned char c : text) {
    switch (c) {
      case '"': quoted += "\\\""; break;
      case '\\': quoted += "\\\\"; break;
      case '\n': quoted += "\\n"; break;
      case '\r': quoted += "\\r"; break;
      case '\t': quoted += "\\t"; break;
      default:
        if (c < 0x20 || c == '<') {
          quoted += "\\u00";
          quoted += kHex[c >> 4];
          quoted += kHex[c & 15];
        } else {
          quoted += static_cast<char>(c);
        }
    }
  }
  quoted += '"';
  return quoted;
}

namespace {
std::string ErrorText(const std::string& path, const char* what, int error) {
  return path + ": " + what + ": " + std::strerror(error);
}
}  // namespace

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    if (error == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::Io(path + ": cannot open: " + std::strerror(error));
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

Status WriteWholeFileAtomically(const std::string& path, std::string_view contents) {
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Io(path + ": cannot be written: " + std::strerror(errno));
  const auto fail = [&](const char* what) {
    const int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    return Status::Io(ErrorText(path, what, error));
  };
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t count = ::write(fd, contents.data() + written, contents.size() - written);
    if (count < 0) {
      if (errno == EINTR) continue;
      return fail("cannot be written");
    }
    written += static_cast<std::size_t>(count);
  }
  if (::fsync(fd) != 0) return fail("cannot be flushed to disk");
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return Status::Io(ErrorText(path, "cannot be written", error));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    return Status::Io(ErrorText(path, "cannot replace the previous file", error));
  }
  return Status::Ok();
}

}  // namespace cxm
