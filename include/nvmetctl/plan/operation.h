#pragma once
// One mutation of the system. Plans are lists of these; rollback replays
// their inverses.
#include <string>

namespace nvmetctl {

enum class OpKind {
  Mkdir,
  Rmdir,
  Write,
  Symlink,        // path = link, value = target; for diagnosis, an fc port's
                  // link carries the port's traddr in detail (explain_failure)
  Unlink,
  MountConfigfs,  // path = mount point
  LoadModule,     // path = module name
  UnloadModule,
  AddRdmaLink,    // path = link name, value = type, detail = netdev
  RemoveRdmaLink, // path = link name
  // TLS PSKs in the kernel's .nvme keyring (tls/psk_keyring.h), path = the
  // key's identity. Add: value = the key in hex (a secret: the step is
  // marked so), detail = the serial of the key it displaces, if any.
  AddTlsKey,
  RemoveTlsKey,   // the key now holding the identity
  RelinkTlsKey,   // detail = serial of a key this run took out (rollback)
};

struct Operation {
  OpKind kind;
  std::string path;
  std::string value;
  std::string detail;

  bool touches_configfs() const {
    return kind == OpKind::Mkdir || kind == OpKind::Rmdir || kind == OpKind::Write ||
           kind == OpKind::Symlink || kind == OpKind::Unlink;
  }
};

const char* op_kind_name(OpKind kind);

}  // namespace nvmetctl
