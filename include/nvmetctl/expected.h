#pragma once
// A minimal std::expected stand-in: C++20 has none, and low layers report
// errors as values so callers decide whether they are fatal.
#include <cerrno>
#include <string>
#include <utility>
#include <variant>

namespace nvmetctl {

// A failed low-level operation: what was attempted, on which path, and why.
struct SysError {
  int errnum = 0;            // errno, 0 when the failure is not a syscall's
  std::string action;        // "mkdir", "write", "load module", ...
  std::string path;          // configfs path, module name, link name...
  std::string reason;        // human text; defaults to strerror(errnum)

  std::string describe() const;  // "<action> <path>: <reason>"
};

SysError sys_error(int errnum, std::string action, std::string path);
SysError logic_error(std::string action, std::string path, std::string reason);

template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}
  Expected(SysError error) : v_(std::move(error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const SysError& error() const { return std::get<1>(v_); }
  T value_or(T fallback) const { return has_value() ? value() : std::move(fallback); }

 private:
  std::variant<T, SysError> v_;
};

template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(SysError error) : error_(std::move(error)), ok_(false) {}
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const SysError& error() const { return error_; }

 private:
  SysError error_;
  bool ok_ = true;
};

}  // namespace nvmetctl
