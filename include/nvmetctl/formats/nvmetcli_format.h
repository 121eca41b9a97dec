#pragma once
// nvmetcli's saved configuration (/etc/nvmet/config.json) to and from the
// model. nvmetcli groups an object's configfs attributes by the prefix before
// the first underscore ({"attr": {"serial": ...}}, {"addr": {...}},
// {"device": {...}}, {"param": {...}}) and keeps their values as strings;
// a few (nsid, portid, grpid, enable, ana_grpid, passthru timeouts) are
// numbers at the object's top level. Passthru is a list of one object.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nvmetctl/model/target.h"

namespace nvmetctl {

struct NvmetcliImport {
  // The target as the file format would declare it: fresh defaults dropped,
  // like `export` does.
  Target target;
  // DH-HMAC-CHAP secrets found inline, by host NQN and configfs attribute
  // (dhchap_key, dhchap_ctrl_key). The file format only references key
  // files, so the caller decides where they go.
  struct InlineKey {
    std::string host_nqn;
    std::string attribute;
    std::string secret;
  };
  std::vector<InlineKey> inline_keys;
  std::vector<std::string> warnings;  // skipped things, "where: what"
  std::vector<std::string> errors;    // unusable input, "where: what"
  bool ok() const { return errors.empty(); }
};

NvmetcliImport target_from_nvmetcli(const nlohmann::json& document);
// Parses the text first; a JSON syntax error is reported in errors.
NvmetcliImport target_from_nvmetcli_text(const std::string& text);

// The nvmetcli document for a target (all attributes it holds, values as
// strings). Secrets are never written; key files stay where they are.
nlohmann::json target_to_nvmetcli(const Target& target);

}  // namespace nvmetctl
