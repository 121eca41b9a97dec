#include "nvmetctl/util/shared_library.h"

#include <dlfcn.h>

#include <cerrno>

namespace nvmetctl {

Expected<SharedLibrary> SharedLibrary::open(const std::string& soname, const std::string& package) {
  SharedLibrary library;
  library.soname_ = soname;
  // RTLD_LOCAL: its symbols stay its own, as if nothing else loaded it.
  library.handle_ = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library.handle_ == nullptr) {
    const char* why = ::dlerror();
    return SysError{ENOENT, "load", soname,
                    std::string(why ? why : "not found") + " (install the Debian package " + package + ")"};
  }
  return library;
}

void* SharedLibrary::lookup(const char* name) const { return ::dlsym(handle_, name); }

SysError SharedLibrary::missing(const char* name) const {
  return SysError{ENOENT, "load", soname_, std::string("it has no function ") + name + " (another version?)"};
}

}  // namespace nvmetctl
