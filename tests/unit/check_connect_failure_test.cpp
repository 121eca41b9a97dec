// What a failed connect means (classify_connect_failure), and the errno
// behind libnvme's own connect codes (connect_error).
#include <cstddef>
#include <cstring>

extern "C" {
#include <nvme/util.h>
}

#include <gtest/gtest.h>

#include "nvmetctl/check/check_runner.h"
#include "nvmetctl/check/connect_errors.h"

namespace nvmetctl {
namespace {

const std::vector<std::string> kRefusedOn612 = {
    "nvmet: connect by host nqn.2014-08.org.nvmexpress:uuid:5c38ad2d-0c1e-4e4c-9d5e-1f0a0b7c6a11 for subsystem "
    "nqn.2024-01.io.example:check-tcp not allowed",
    "nvme nvme1: Connect for subsystem nqn.2024-01.io.example:check-tcp is not allowed, hostnqn: "
    "nqn.2014-08.org.nvmexpress:uuid:5c38ad2d-0c1e-4e4c-9d5e-1f0a0b7c6a11",
    "nvme nvme1: failed to connect queue: 0 ret=16772",
};

SysError write_failed(int errnum) {
  return sys_error(errnum, "connect to nqn.2024-01.io.example:check-tcp at", "tcp 127.0.0.1:4420");
}

TEST(CheckConnectFailure, KernelLinesOfARefusedHostOnLinux612AreRefusedAndQuoteTheTarget) {
  ConnectFailure failure = classify_connect_failure(write_failed(EIO), kRefusedOn612);
  EXPECT_EQ(failure.verdict, Verdict::Refused);
  EXPECT_EQ(failure.cause, "the target refused the host: " + kRefusedOn612[0]);
}

TEST(CheckConnectFailure, TheHostsOwnNotAllowedLineAloneIsEnough) {
  ConnectFailure failure = classify_connect_failure(write_failed(EIO), {kRefusedOn612[1], kRefusedOn612[2]});
  EXPECT_EQ(failure.verdict, Verdict::Refused);
  EXPECT_EQ(failure.cause, "the target refused the host: " + kRefusedOn612[1]);
}

TEST(CheckConnectFailure, EioWithoutKernelLinesIsRefusedWithTheErrorsReason) {
  ConnectFailure failure = classify_connect_failure(write_failed(EIO), {});
  EXPECT_EQ(failure.verdict, Verdict::Refused);
  EXPECT_EQ(failure.cause, std::strerror(EIO));
  // Only the queue failure (no "not allowed"): still a refusal, not unreachable.
  failure = classify_connect_failure(write_failed(EIO), {kRefusedOn612[2]});
  EXPECT_EQ(failure.verdict, Verdict::Refused);
}

TEST(CheckConnectFailure, ErrorWithoutErrnoOrReasonIsDescribed) {
  ConnectFailure failure = classify_connect_failure(logic_error("connect to nqn.x at", "tcp 10.0.0.1:4420", ""), {});
  EXPECT_EQ(failure.verdict, Verdict::Refused);
  EXPECT_EQ(failure.cause, "connect to nqn.x at tcp 10.0.0.1:4420: ");
}

TEST(CheckConnectFailure, ConnectionRefusedIsUnreachableNothingListens) {
  ConnectFailure failure = classify_connect_failure(write_failed(ECONNREFUSED), {});
  EXPECT_EQ(failure.verdict, Verdict::Unreachable);
  EXPECT_EQ(failure.cause, "connection refused: nothing listens there");
}

TEST(CheckConnectFailure, TimeoutAndInterruptedConnectAreUnreachableNoAnswerInTime) {
  for (int errnum : {ETIMEDOUT, EINTR}) {
    ConnectFailure failure = classify_connect_failure(write_failed(errnum), {"nvme nvme1: failed to connect socket: -110"});
    EXPECT_EQ(failure.verdict, Verdict::Unreachable) << errnum;
    EXPECT_EQ(failure.cause, "no answer in time (a firewall dropping the port's packets?)") << errnum;
  }
}

TEST(CheckConnectFailure, OtherNetworkErrorsAreUnreachableWithTheirOwnReason) {
  for (int errnum : {EHOSTUNREACH, ENETUNREACH, ECONNRESET, EADDRNOTAVAIL}) {
    ConnectFailure failure = classify_connect_failure(write_failed(errnum), {});
    EXPECT_EQ(failure.verdict, Verdict::Unreachable) << errnum;
    EXPECT_EQ(failure.cause, std::strerror(errnum)) << errnum;
  }
}

TEST(CheckConnectFailure, RejectedOrExpiredKeyIsAuthenticationFailed) {
  for (int errnum : {EKEYREJECTED, EKEYEXPIRED}) {
    ConnectFailure failure = classify_connect_failure(write_failed(errnum), {});
    EXPECT_EQ(failure.verdict, Verdict::AuthFailed) << errnum;
    EXPECT_EQ(failure.cause, std::string("DH-HMAC-CHAP authentication failed: ") + std::strerror(errnum));
  }
}

TEST(CheckConnectFailure, AuthenticationKernelLinesMakeAnEioAuthenticationFailed) {
  for (const char* line : {"nvme nvme2: qid 0: authentication failed", "nvme nvme2: qid 0: DHCHAP negotiate failed",
                           "nvme nvme2: qid 0: Auth Failed", "nvme nvme2: qid 0: received failure1 reason 1",
                           "nvmet: ctrl 1 qid 0: sending failure2"}) {
    ConnectFailure failure = classify_connect_failure(write_failed(EIO), {"nvme nvme2: queue 0: setup", line});
    EXPECT_EQ(failure.verdict, Verdict::AuthFailed) << line;
    EXPECT_EQ(failure.cause, std::string("DH-HMAC-CHAP authentication failed: ") + std::strerror(EIO)) << line;
  }
}

TEST(CheckConnectFailure, HostResponseMismatchMeansTheTargetHoldsAnotherKey) {
  ConnectFailure failure = classify_connect_failure(
      write_failed(EIO), {"nvmet: ctrl 1 qid 0 host response mismatch", "nvme nvme2: qid 0: authentication failed"});
  EXPECT_EQ(failure.verdict, Verdict::AuthFailed);
  EXPECT_EQ(failure.cause,
            "DH-HMAC-CHAP authentication failed: the target holds another key for this host (its kernel: host "
            "response mismatch)");
}

TEST(CheckConnectFailure, ControllerResponseMismatchMeansTheControllerKeyDiffers) {
  for (const char* line : {"nvme nvme2: qid 0: controller response mismatch",
                           "nvme nvme2: qid 0: controller authentication failed"}) {
    ConnectFailure failure = classify_connect_failure(write_failed(EIO), {line});
    EXPECT_EQ(failure.verdict, Verdict::AuthFailed) << line;
    EXPECT_EQ(failure.cause,
              "DH-HMAC-CHAP authentication failed: the controller's answer does not match the host's controller key")
        << line;
  }
}

TEST(CheckConnectFailure, ASuccessfulAuthenticationLineIsNoAuthenticationFailure) {
  ConnectFailure failure = classify_connect_failure(
      write_failed(EIO), {"nvme nvme2: qid 0: authenticated with hash hmac(sha256) dhgroup ffdhe2048"});
  EXPECT_EQ(failure.verdict, Verdict::Refused);
  EXPECT_EQ(failure.cause, std::strerror(EIO));
}

TEST(CheckConnectFailure, TargetRefusalOutranksAuthenticationAndNetworkErrors) {
  std::vector<std::string> lines = {"nvme nvme2: qid 0: authentication failed", kRefusedOn612[0]};
  EXPECT_EQ(classify_connect_failure(write_failed(EIO), lines).verdict, Verdict::Refused);
  EXPECT_EQ(classify_connect_failure(write_failed(EKEYREJECTED), {kRefusedOn612[0]}).verdict, Verdict::Refused);
  EXPECT_EQ(classify_connect_failure(write_failed(ECONNRESET), {kRefusedOn612[0]}).verdict, Verdict::Refused);
}

TEST(CheckConnectFailure, AuthenticationOutranksNetworkErrors) {
  EXPECT_EQ(classify_connect_failure(write_failed(ECONNRESET), {"nvme nvme2: qid 0: authentication failed"}).verdict,
            Verdict::AuthFailed);
}

// --- connect_error -------------------------------------------------------

const std::string kAction = "connect to nqn.2024-01.io.example:check-tcp at";
const std::string kWhere = "tcp 127.0.0.1:4420";

std::string write_log(int errnum) {
  return std::string("Failed to write to /dev/nvme-fabrics: ") + std::strerror(errnum) + "\n";
}

TEST(CheckConnectError, TimedOutIsEtimedoutWhateverLibnvmeSaid) {
  for (int code : {0, EINTR, static_cast<int>(ENVME_CONNECT_WRITE), static_cast<int>(ENVME_CONNECT_CONNREFUSED)}) {
    SysError error = connect_error(code, true, kAction, kWhere, write_log(EINTR));
    EXPECT_EQ(error.errnum, ETIMEDOUT) << code;
    EXPECT_EQ(error.action, kAction);
    EXPECT_EQ(error.path, kWhere);
    EXPECT_EQ(error.reason, std::strerror(ETIMEDOUT));
  }
}

TEST(CheckConnectError, PlainErrnoIsKept) {
  SysError error = connect_error(EIO, false, kAction, kWhere, "");
  EXPECT_EQ(error.errnum, EIO);
  EXPECT_EQ(error.describe(), kAction + " " + kWhere + ": " + std::strerror(EIO));
}

TEST(CheckConnectError, LibnvmeCodesMapBackToErrno) {
  const std::vector<std::pair<int, int>> codes = {
      {ENVME_CONNECT_CONNREFUSED, ECONNREFUSED}, {ENVME_CONNECT_ADDRINUSE, EADDRINUSE},
      {ENVME_CONNECT_NODEV, ENODEV},             {ENVME_CONNECT_OPNOTSUPP, EOPNOTSUPP},
      {ENVME_CONNECT_INVAL, EINVAL},             {ENVME_CONNECT_ALREADY, EALREADY},
      {ENVME_CONNECT_OPEN, ENOENT}};
  for (const auto& [code, errnum] : codes) {
    // The code wins over whatever errno text the log holds.
    SysError error = connect_error(code, false, kAction, kWhere, write_log(EIO));
    EXPECT_EQ(error.errnum, errnum) << nvme_errno_to_string(code);
    EXPECT_EQ(error.reason, std::strerror(errnum)) << nvme_errno_to_string(code);
  }
}

TEST(CheckConnectError, WriteFailureTakesTheErrnoFromLibnvmesLog) {
  for (int errnum : {EIO, ETIMEDOUT, ECONNREFUSED, EKEYREJECTED, EHOSTUNREACH, EINVAL}) {
    std::string log = "nvmf_add_ctrl: adding controller\n" + write_log(errnum);
    SysError error = connect_error(ENVME_CONNECT_WRITE, false, kAction, kWhere, log);
    EXPECT_EQ(error.errnum, errnum) << log;
    EXPECT_EQ(error.reason, std::strerror(errnum));
  }
}

TEST(CheckConnectError, UnknownCodeWithoutErrnoInTheLogKeepsTheLogsLastLine) {
  SysError error = connect_error(ENVME_CONNECT_WRITE, false, kAction, kWhere,
                                 "first line\nfailed to add controller, error cannot parse\n\n");
  EXPECT_EQ(error.errnum, 0);
  EXPECT_EQ(error.action, kAction);
  EXPECT_EQ(error.path, kWhere);
  EXPECT_EQ(error.reason, "failed to add controller, error cannot parse");
}

TEST(CheckConnectError, UnknownCodeWithAnEmptyLogSaysWhatLibnvmeCallsTheCode) {
  SysError error = connect_error(ENVME_CONNECT_LOOKUP_SUBSYS, false, kAction, kWhere, "");
  EXPECT_EQ(error.errnum, 0);
  EXPECT_EQ(error.reason, nvme_errno_to_string(ENVME_CONNECT_LOOKUP_SUBSYS));
  EXPECT_FALSE(error.reason.empty());
}

TEST(CheckConnectError, ClassifiedTheWayTheCheckNeedsIt) {
  EXPECT_EQ(classify_connect_failure(connect_error(ENVME_CONNECT_CONNREFUSED, false, kAction, kWhere, ""), {}).verdict,
            Verdict::Unreachable);
  EXPECT_EQ(classify_connect_failure(connect_error(ENVME_CONNECT_WRITE, true, kAction, kWhere, ""), {}).verdict,
            Verdict::Unreachable);
  EXPECT_EQ(classify_connect_failure(connect_error(ENVME_CONNECT_WRITE, false, kAction, kWhere,
                                                   write_log(ETIMEDOUT)), {}).verdict,
            Verdict::Unreachable);
  EXPECT_EQ(classify_connect_failure(connect_error(ENVME_CONNECT_WRITE, false, kAction, kWhere,
                                                   write_log(EKEYREJECTED)), {}).verdict,
            Verdict::AuthFailed);
  ConnectFailure refused = classify_connect_failure(
      connect_error(ENVME_CONNECT_WRITE, false, kAction, kWhere, write_log(EIO)), kRefusedOn612);
  EXPECT_EQ(refused.verdict, Verdict::Refused);
  EXPECT_EQ(refused.cause, "the target refused the host: " + kRefusedOn612[0]);
}

}  // namespace
}  // namespace nvmetctl
