// Namespaces: will the kernel open the device behind device_path?
#include "check_util.h"
#include "checks_internal.h"
#include "nvmetctl/model/kernel_behaviour.h"

namespace nvmetctl::doctor {

using namespace util;

namespace {

std::vector<const LogEvent*> open_failures(const std::vector<LogEvent>& events, const std::string& path) {
  std::vector<const LogEvent*> found;
  for (const auto& e : events)
    if ((e.kind == LogEventKind::BlockDeviceOpenFailed || e.kind == LogEventKind::FileOpenFailed) && e.path == path)
      found.push_back(&e);
  return found;
}

void add_log(Finding& f, const std::vector<const LogEvent*>& events) {
  std::size_t from = events.size() > 2 ? events.size() - 2 : 0;
  for (std::size_t i = from; i < events.size(); ++i) f.evidence.push_back(log_evidence(events[i]->line));
}

const LogEvent* last_with(const std::vector<const LogEvent*>& events, int errnum) {
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if ((*it)->errnum == errnum) return *it;
  return nullptr;
}

// The kernel accepts enable=1 on such a namespace (status 0), logs the
// conflict and leaves it disabled: a silent failure worth naming.
void namespace_in_passthru_subsystem(const NvmetLayout& l, const Subsystem& s, const Namespace& n,
                                     const std::vector<LogEvent>& events, Findings& out) {
  std::string dir = l.namespace_dir(s.nqn, n.nsid);
  auto& f = out.failure("passthru-with-namespaces", namespace_object(s.nqn, n.nsid),
                        "the subsystem is in passthru mode, so the kernel never enables a regular namespace in it "
                        "(writing enable=1 succeeds, but it reads back 0)",
                        "rmdir " + dir + "   # passthru already exports the controller's own namespaces; or: echo 0 > " +
                            l.subsystem(s.nqn) + "/passthru/enable");
  f.evidence.push_back(read_evidence(l.subsystem(s.nqn) + "/passthru/enable", "1"));
  f.evidence.push_back(read_evidence(dir + "/enable", attr_value(n.attrs, "enable")));
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (it->kind == LogEventKind::PassthruConflict) {
      f.evidence.push_back(log_evidence(it->line));
      break;
    }
}

}  // namespace

void check_namespace_device(const DoctorInputs& in, Findings& out, const NamespaceSubject& ns,
                            const std::vector<LogEvent>& events) {
  const std::string& path = ns.device_path;
  std::string set_path = ns.in_file ? "fix device_path in " + in.file
                                    : "echo /dev/<device> > " + ns.dir + "/device_path";
  std::string enable = ns.in_file ? "" : "; echo 1 > " + ns.dir + "/enable";
  if (path.empty()) {
    auto& f = out.failure("namespace-device-empty", ns.object,
                          "device_path is not set: enabling the namespace fails with EINVAL "
                          "('failed to open block device (null): (-22)')",
                          set_path + enable);
    if (!ns.in_file) f.evidence.push_back(read_evidence(ns.dir + "/device_path", ""));
    add_log(f, open_failures(events, ""));
    return;
  }
  auto logged = open_failures(events, path);
  auto it = in.devices.find(path);
  if (it == in.devices.end()) return;
  const DeviceFacts& d = it->second;
  bool enabled = ns.enabled;
  if (!d.exists) {
    std::string hint = device_create_hint(path);
    Finding f{"namespace-device-missing", enabled ? FindingSeverity::Warning : FindingSeverity::Failure, ns.object,
              "device_path " + path + " does not exist: " +
                  (enabled ? std::string("the namespace is enabled, but its device is gone")
                           : "enabling the namespace fails with ENOENT"),
              {},
              (hint.empty() ? "" : hint + "   # or: ") + set_path + enable};
    f.evidence.push_back("stat " + path + ": " + std::strerror(d.stat_errno ? d.stat_errno : ENOENT));
    add_log(f, logged);
    out.add(std::move(f));
    return;
  }
  std::string kind = d.block ? "block device" : d.regular ? "regular file" : d.directory ? "directory" : "special file";
  if (!d.block && !d.regular) {
    auto& f = out.failure("namespace-device-not-usable", ns.object,
                          path + " is a " + kind + ": nvmet needs a block device or a regular file",
                          set_path + enable);
    f.evidence.push_back("stat " + path + ": " + kind);
    add_log(f, logged);
    return;
  }
  if (d.size == 0) {
    auto& f = out.failure("namespace-device-not-usable", ns.object,
                          path + " is an empty " + kind + " (size 0)" +
                              (d.block ? ": a loop device without a backing file, or a removed disk?" : ""),
                          d.block ? "losetup " + path + " <backing-file>   # or: " + set_path + enable
                                  : "truncate -s 1G " + path + enable);
    f.evidence.push_back("size of " + path + ": 0 bytes");
    add_log(f, logged);
    return;
  }
  if (const LogEvent* denied = last_with(logged, EACCES); denied && !enabled) {
    auto& f = out.failure("namespace-device-denied", ns.object,
                          "the kernel was denied opening " + path + " (EACCES): a device node on a nodev mount, or an LSM "
                          "(SELinux/AppArmor) denial",
                          "findmnt -T " + path + "; dmesg | grep -iE 'avc|apparmor'");
    f.evidence.push_back(log_evidence(denied->line));
    return;
  }
  bool buffered = ns.buffered_io;
  const LogEvent* odirect = nullptr;
  for (auto* e : logged)
    if (e->kind == LogEventKind::FileOpenFailed && e->errnum == EINVAL) odirect = e;
  if (d.regular && !buffered && !enabled &&
      (odirect || (d.filesystem == "tmpfs" && !kernel_has(KernelRule::TmpfsAcceptsDirectIo, in.kernel_version)))) {
    auto& f = out.failure("namespace-file-odirect", ns.object,
                          path + " is a file on " + (d.filesystem.empty() ? "a filesystem" : d.filesystem) +
                              ", which refuses O_DIRECT: enabling fails with EINVAL",
                          ns.in_file ? "set buffered_io: true for this namespace in " + in.file
                                     : "echo 1 > " + ns.dir + "/buffered_io; echo 1 > " + ns.dir + "/enable");
    f.evidence.push_back(path + " is on " + (d.filesystem.empty() ? "?" : d.filesystem));
    if (odirect) f.evidence.push_back(log_evidence(odirect->line));
    return;
  }
  if (!d.mounted_at.empty() || !d.holders.empty()) {
    std::string users;
    for (const auto& m : d.mounted_at) users += (users.empty() ? "mounted on " : ", ") + m;
    for (const auto& h : d.holders) users += (users.empty() ? "held by " : ", held by ") + h;
    const LogEvent* busy = last_with(logged, EBUSY);
    Finding f{"namespace-device-busy", busy && !enabled ? FindingSeverity::Failure : FindingSeverity::Warning, ns.object,
              path + " is in use on this machine (" + users + ")" +
                  (busy && !enabled ? ": enabling fails with EBUSY"
                                    : ": hosts writing to it would corrupt what this machine uses"),
              {},
              (d.mounted_at.empty() ? std::string("lsblk " + path) : "umount " + d.mounted_at.front()) +
                  "   # or export another device: " + set_path};
    f.evidence.push_back(users);
    if (busy) f.evidence.push_back(log_evidence(busy->line));
    out.add(std::move(f));
    return;
  }
  if (!ns.in_file && !enabled) {
    auto& f = out.warning("namespace-disabled", ns.object,
                          "the namespace is disabled: hosts do not see it (" + path + " looks usable)",
                          "echo 1 > " + ns.dir + "/enable");
    f.evidence.push_back(read_evidence(ns.dir + "/enable", "0"));
    add_log(f, logged);
  }
}

void check_namespaces(const DoctorInputs& in, Findings& out) {
  if (!in.live || !in.live->nvmet_loaded) return;
  auto events = parse_log_events(in.kernel_log);
  NvmetLayout l = layout(in);
  for (const Subsystem& s : in.live->target.subsystems)
    for (const Namespace& n : s.namespaces) {
      if (s.passthru_enabled()) {
        namespace_in_passthru_subsystem(l, s, n, events, out);
        continue;
      }
      NamespaceSubject subject;
      subject.object = namespace_object(s.nqn, n.nsid);
      subject.dir = l.namespace_dir(s.nqn, n.nsid);
      subject.device_path = attr_value(n.attrs, "device_path");
      if (subject.device_path == "(null)") subject.device_path.clear();  // never set: the kernel shows "(null)"
      subject.enabled = attr_value(n.attrs, "enable") == "1";
      subject.buffered_io = attr_value(n.attrs, "buffered_io") == "1";
      std::size_t before = out.all().size();
      check_namespace_device(in, out, subject, events);
      if (out.all().size() == before) out.ok("namespace-ok", subject.object, "enabled on " + subject.device_path);
    }
}

}  // namespace nvmetctl::doctor#include "nvmetctl/model/kernel_behaviour.h"

