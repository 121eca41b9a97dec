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

// One namespace's device, with what the checks below share: the kernel log
// lines about opening it and the commands that point it elsewhere.
struct DeviceCheck {
  const DoctorInputs& in;
  const NamespaceSubject& ns;
  const DeviceFacts& d;
  std::vector<const LogEvent*> logged;
  std::string set_path;  // the command that points device_path elsewhere
  std::string enable;    // "; echo 1 > .../enable" after a live fix, "" for the file
  const std::string& path() const { return ns.device_path; }
  std::string kind() const {
    return d.block ? "block device" : d.regular ? "regular file" : d.directory ? "directory" : "special file";
  }
};

std::string set_path_fix(const DoctorInputs& in, const NamespaceSubject& ns) {
  return ns.in_file ? "fix device_path in " + in.file : "echo /dev/<device> > " + ns.dir + "/device_path";
}

std::string enable_fix(const NamespaceSubject& ns) { return ns.in_file ? "" : "; echo 1 > " + ns.dir + "/enable"; }

void report_device_unset(const DoctorInputs& in, Findings& out, const NamespaceSubject& ns,
                         const std::vector<LogEvent>& events) {
  auto& f = out.failure("namespace-device-empty", ns.object,
                        "device_path is not set: enabling the namespace fails with EINVAL "
                        "('failed to open block device (null): (-22)')",
                        set_path_fix(in, ns) + enable_fix(ns));
  if (!ns.in_file) f.evidence.push_back(read_evidence(ns.dir + "/device_path", ""));
  add_log(f, open_failures(events, ""));
}

// A missing device only warns once the namespace is enabled: the kernel keeps
// serving it until I/O fails, while a disabled one cannot be enabled at all.
bool device_missing(const DeviceCheck& c, Findings& out) {
  if (c.d.exists) return false;
  bool enabled = c.ns.enabled;
  std::string hint = device_create_hint(c.path());
  Finding f{"namespace-device-missing", enabled ? FindingSeverity::Warning : FindingSeverity::Failure, c.ns.object,
            "device_path " + c.path() + " does not exist: " +
                (enabled ? std::string("the namespace is enabled, but its device is gone")
                         : "enabling the namespace fails with ENOENT"),
            {},
            (hint.empty() ? "" : hint + "   # or: ") + c.set_path + c.enable};
  f.evidence.push_back("stat " + c.path() + ": " + std::strerror(c.d.stat_errno ? c.d.stat_errno : ENOENT));
  add_log(f, c.logged);
  out.add(std::move(f));
  return true;
}

bool device_wrong_kind(const DeviceCheck& c, Findings& out) {
  if (c.d.block || c.d.regular) return false;
  auto& f = out.failure("namespace-device-not-usable", c.ns.object,
                        c.path() + " is a " + c.kind() + ": nvmet needs a block device or a regular file",
                        c.set_path + c.enable);
  f.evidence.push_back("stat " + c.path() + ": " + c.kind());
  add_log(f, c.logged);
  return true;
}

bool device_empty(const DeviceCheck& c, Findings& out) {
  if (c.d.size != 0) return false;
  const std::string& path = c.path();
  auto& f = out.failure("namespace-device-not-usable", c.ns.object,
                        path + " is an empty " + c.kind() + " (size 0)" +
                            (c.d.block ? ": a loop device without a backing file, or a removed disk?" : ""),
                        c.d.block ? "losetup " + path + " <backing-file>   # or: " + c.set_path + c.enable
                                  : "truncate -s 1G " + path + c.enable);
  f.evidence.push_back("size of " + path + ": 0 bytes");
  add_log(f, c.logged);
  return true;
}

// Only the kernel log tells: the device looks fine from here.
bool device_denied(const DeviceCheck& c, Findings& out) {
  const LogEvent* denied = last_with(c.logged, EACCES);
  if (!denied || c.ns.enabled) return false;
  auto& f = out.failure("namespace-device-denied", c.ns.object,
                        "the kernel was denied opening " + c.path() +
                            " (EACCES): a device node on a nodev mount, or an LSM (SELinux/AppArmor) denial",
                        "findmnt -T " + c.path() + "; dmesg | grep -iE 'avc|apparmor'");
  f.evidence.push_back(log_evidence(denied->line));
  return true;
}

// Files are opened with O_DIRECT unless buffered_io is set; the kernel log
// proves a refusal, and tmpfs refuses it on kernels before it learned to.
bool file_refuses_odirect(const DeviceCheck& c, Findings& out) {
  const LogEvent* odirect = nullptr;
  for (auto* e : c.logged)
    if (e->kind == LogEventKind::FileOpenFailed && e->errnum == EINVAL) odirect = e;
  const DeviceFacts& d = c.d;
  bool tmpfs_without_odirect =
      d.filesystem == "tmpfs" && !kernel_has(KernelRule::TmpfsAcceptsDirectIo, c.in.kernel_version);
  if (!d.regular || c.ns.buffered_io || c.ns.enabled || !(odirect || tmpfs_without_odirect)) return false;
  const NamespaceSubject& ns = c.ns;
  auto& f = out.failure("namespace-file-odirect", ns.object,
                        c.path() + " is a file on " + (d.filesystem.empty() ? "a filesystem" : d.filesystem) +
                            ", which refuses O_DIRECT: enabling fails with EINVAL",
                        ns.in_file ? "set buffered_io: true for this namespace in " + c.in.file
                                   : "echo 1 > " + ns.dir + "/buffered_io; echo 1 > " + ns.dir + "/enable");
  f.evidence.push_back(c.path() + " is on " + (d.filesystem.empty() ? "?" : d.filesystem));
  if (odirect) f.evidence.push_back(log_evidence(odirect->line));
  return true;
}

// In use here: a failure when the kernel already refused it (EBUSY), else a
// warning, since exporting it lets hosts corrupt what this machine uses.
bool device_in_use(const DeviceCheck& c, Findings& out) {
  const DeviceFacts& d = c.d;
  if (d.mounted_at.empty() && d.holders.empty()) return false;
  std::string users;
  for (const auto& m : d.mounted_at) users += (users.empty() ? "mounted on " : ", ") + m;
  for (const auto& h : d.holders) users += (users.empty() ? "held by " : ", held by ") + h;
  const LogEvent* busy = last_with(c.logged, EBUSY);
  bool refused = busy && !c.ns.enabled;
  Finding f{"namespace-device-busy", refused ? FindingSeverity::Failure : FindingSeverity::Warning, c.ns.object,
            c.path() + " is in use on this machine (" + users + ")" +
                (refused ? ": enabling fails with EBUSY"
                         : ": hosts writing to it would corrupt what this machine uses"),
            {},
            (d.mounted_at.empty() ? std::string("lsblk " + c.path()) : "umount " + d.mounted_at.front()) +
                "   # or export another device: " + c.set_path};
  f.evidence.push_back(users);
  if (busy) f.evidence.push_back(log_evidence(busy->line));
  out.add(std::move(f));
  return true;
}

void warn_if_disabled(const DeviceCheck& c, Findings& out) {
  const NamespaceSubject& ns = c.ns;
  if (ns.in_file || ns.enabled) return;
  auto& f = out.warning("namespace-disabled", ns.object,
                        "the namespace is disabled: hosts do not see it (" + c.path() + " looks usable)",
                        "echo 1 > " + ns.dir + "/enable");
  f.evidence.push_back(read_evidence(ns.dir + "/enable", "0"));
  add_log(f, c.logged);
}

}  // namespace

// The first problem found is the one reported: each later check assumes the
// earlier ones passed (a missing device has no kind, an empty one no users).
void check_namespace_device(const DoctorInputs& in, Findings& out, const NamespaceSubject& ns,
                            const std::vector<LogEvent>& events) {
  if (ns.device_path.empty()) {
    report_device_unset(in, out, ns, events);
    return;
  }
  auto it = in.devices.find(ns.device_path);
  if (it == in.devices.end()) return;
  DeviceCheck c{in, ns, it->second, open_failures(events, ns.device_path), set_path_fix(in, ns), enable_fix(ns)};
  for (auto* problem :
       {device_missing, device_wrong_kind, device_empty, device_denied, file_refuses_odirect, device_in_use})
    if (problem(c, out)) return;
  warn_if_disabled(c, out);
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

}  // namespace nvmetctl::doctor
