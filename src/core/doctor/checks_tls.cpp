// NVMe/TCP TLS: what a TLS port needs beyond configfs. The kernel hands the
// handshake to tlshd (ktls-utils) through the handshake netlink family, and
// tlshd looks the host's PSK up in the .nvme keyring; without either, every
// TLS connect is dropped and configfs shows nothing wrong.
#include <cerrno>

#include "check_util.h"
#include "nvmetctl/tls/tls_psk.h"

namespace nvmetctl::doctor {

using namespace util;

namespace {

bool is_tls_port(const Port& port) {
  return attr_value(port.attrs, "addr_trtype") == "tcp" && attr_value(port.attrs, "addr_tsas") == "tls1.3";
}

bool has_psk(const DoctorInputs::TlsFacts& tls, const std::string& host, const std::string& subsystem) {
  for (int cipher : {1, 2})
    if (tls.psk_identities.count(tls_psk_identity(cipher, host, subsystem))) return true;
  return false;
}

void add_tls_log(const DoctorInputs& in, Finding& f, int errnum) {
  std::vector<LogEvent> events = parse_log_events(in.kernel_log);
  std::vector<const LogEvent*> matching;
  for (const LogEvent& e : events)
    if (e.kind == LogEventKind::TlsNotStarted && e.errnum == errnum) matching.push_back(&e);
  add_log(f, matching);
}

class TlsPortChecker {
 public:
  TlsPortChecker(const DoctorInputs& in, Findings& out, const DoctorInputs::TlsFacts& tls)
      : in_(in), out_(out), tls_(tls) {}

  void check(const Port& port) {
    object_ = port_object(port.id);
    required_ = attr_value(port.attrs, "addr_treq") == "required";
    std::size_t before = out_.all().size();
    if (check_keyring()) check_hosts(port);
    check_daemon(port);
    if (out_.all().size() == before)
      out_.ok("tls-ok", object_, "TLS 1.3: .nvme keyring, " + tls_.handshake_daemons.front() +
                                     ", a PSK for every allowed host");
  }

 private:
  // What a host without TLS (or without its key) gets on this port.
  FindingSeverity severity() const { return required_ ? FindingSeverity::Failure : FindingSeverity::Warning; }
  std::string consequence() const {
    return required_ ? "every connect is dropped (treq required)"
                     : "hosts connect without TLS only (treq not required)";
  }

  bool check_keyring() {
    if (!tls_.keyring_error.empty()) {
      out_.add({"tls-keyring-missing", severity(), object_,
                "the .nvme keyring cannot be listed: " + tls_.keyring_error, {}, ""});
      return false;
    }
    if (tls_.keyring) return true;
    out_.add({"tls-keyring-missing", severity(), object_,
              "port uses TLS 1.3, but the kernel has no .nvme keyring: no host's PSK can be found, so " + consequence(),
              {"keyring .nvme: not in /proc/keys"},
              "modprobe nvme-keyring   # kernel 6.7+ built with CONFIG_NVME_TARGET_TCP_TLS"});
    return false;
  }

  void check_hosts(const Port& port) {
    if (!port.subsystems) return;
    for (const std::string& nqn : *port.subsystems) {
      const Subsystem* s = in_.live->target.find_subsystem(nqn);
      if (!s || !s->allowed_hosts) continue;
      for (const std::string& host : *s->allowed_hosts) {
        if (has_psk(tls_, host, nqn)) continue;
        Finding f{"tls-host-without-psk", severity(), object_,
                  "host " + host + " is allowed on " + nqn + ", but .nvme holds no TLS PSK for the pair: " +
                      (required_ ? "its TLS handshake fails" : "it can connect only without TLS"),
                  {"keyring .nvme: no psk '" + tls_psk_identity(1, host, nqn) + "' (or NVMe0R02)"},
                  "give host " + host + " a tls_psk_file in the target file (nvme gen-tls-key makes one) and apply"};
        out_.add(std::move(f));
      }
    }
  }

  void check_daemon(const Port& port) {
    if (!tls_.handshake_daemons.empty()) return;
    Finding f{"tls-no-handshake-daemon", severity(), object_,
              "port " + std::to_string(port.id) + " uses TLS 1.3, but no tlshd process runs: the kernel cannot "
                  "start a handshake (nvmet_tcp: failed to start TLS, err=-3), so " + consequence(),
              {"no process named tlshd in " + in_.paths.proc},
              "apt install ktls-utils && systemctl enable --now tlshd   # keyrings= .nvme in /etc/tlshd.conf"};
    add_tls_log(in_, f, ESRCH);
    out_.add(std::move(f));
  }

  const DoctorInputs& in_;
  Findings& out_;
  const DoctorInputs::TlsFacts& tls_;
  std::string object_;
  bool required_ = false;
};

}  // namespace

void check_tls(const DoctorInputs& in, Findings& out) {
  if (!in.live || !in.tls) return;
  TlsPortChecker checker(in, out, *in.tls);
  for (const Port& port : in.live->target.ports)
    if (is_tls_port(port)) checker.check(port);
}

}  // namespace nvmetctl::doctor
