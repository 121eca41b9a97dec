#pragma once
// A library only some runs need (libkmod when a module must be loaded,
// libnvme for check, libnftables for doctor --probe, libsystemd for watch),
// opened when first needed instead of by the dynamic loader at every start.
// Each such library and what it pulls in (lzma, zstd, gcrypt, gmp, json-c,
// ...) cost every run its mapping and relocations: under emulation a
// quarter of what `export` of a small target takes (issue 16).
//
// The functions are declared by the library's own header, so each slot has
// the header's type. NVMETCTL_LIBRARY_API(Type, LIST) declares a struct of
// one slot per function of the X-macro LIST and how to bind them;
// open_library<Type> opens the library and binds every slot, or names the
// first function it lacks.
#include <string>

#include "nvmetctl/expected.h"

namespace nvmetctl {

class SharedLibrary {
 public:
  // dlopen(soname) once a process; `package` is the Debian package that
  // ships it, for the error's reason. The handle is never closed.
  static Expected<SharedLibrary> open(const std::string& soname, const std::string& package);

  template <class Function>
  Expected<void> bind(Function*& slot, const char* name) const {
    void* address = lookup(name);
    if (address == nullptr) return missing(name);
    slot = reinterpret_cast<Function*>(address);
    return {};
  }

 private:
  void* lookup(const char* name) const;
  SysError missing(const char* name) const;

  void* handle_ = nullptr;
  std::string soname_;
};

#define NVMETCTL_LIBRARY_SLOT(name) decltype(&::name) name = nullptr;
#define NVMETCTL_LIBRARY_BIND(name) \
  if (auto bound = library.bind(api.name, #name); !bound) return bound.error();
#define NVMETCTL_LIBRARY_API(Type, LIST)                                              \
  struct Type {                                                                       \
    LIST(NVMETCTL_LIBRARY_SLOT)                                                       \
  };                                                                                  \
  [[maybe_unused]] Expected<void> bind_all(const SharedLibrary& library, Type& api) { \
    LIST(NVMETCTL_LIBRARY_BIND)                                                       \
    return {};                                                                        \
  }

template <class Api>
Expected<Api> open_library(const std::string& soname, const std::string& package) {
  auto library = SharedLibrary::open(soname, package);
  if (!library) return library.error();
  Api api;
  if (auto bound = bind_all(*library, api); !bound) return bound.error();
  return api;
}

// open_library once a process (one library per Api type): every later call
// answers from the first, error included.
template <class Api>
Expected<const Api*> opened_library(const char* soname, const char* package) {
  static const Expected<Api> opened = open_library<Api>(soname, package);
  if (!opened) return opened.error();
  return &*opened;
}

}  // namespace nvmetctl
