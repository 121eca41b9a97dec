#include "nvmetctl/config/key_secrets.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace nvmetctl {

void load_key_secrets(Target& target, Diagnostics& diagnostics) {
  for (Host& host : target.hosts) {
    for (const auto& [attr, path] : host.key_files) {
      std::ifstream in(path);
      std::string key;
      if (!in || !std::getline(in, key)) {
        auto where = host.attr_where.count(attr) ? host.attr_where.at(attr) : host.where;
        diagnostics.error(where, "host " + host.nqn, "cannot read key file " + path + ": " + std::strerror(errno));
        continue;
      }
      while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
      host.attrs[attr] = key;
    }
  }
}

}  // namespace nvmetctl
