// The live nftables ruleset, asked of libnftables (nft's own library) as JSON.
// Only doctor --probe asks: the library is opened then (util/shared_library).
#include <cerrno>
#include <memory>

#include <nftables/libnftables.h>

#include "nvmetctl/net/firewall_rules.h"
#include "nvmetctl/util/shared_library.h"

namespace nvmetctl {
namespace {

// clang-format off
#define NVMETCTL_NFTABLES_FUNCTIONS(X) \
  X(nft_ctx_new) \
  X(nft_ctx_free) \
  X(nft_ctx_output_set_flags) \
  X(nft_ctx_buffer_output) \
  X(nft_ctx_buffer_error) \
  X(nft_run_cmd_from_buffer) \
  X(nft_ctx_get_output_buffer) \
  X(nft_ctx_get_error_buffer)
// clang-format on

NVMETCTL_LIBRARY_API(Nftables, NVMETCTL_NFTABLES_FUNCTIONS)

}  // namespace

Expected<FirewallRuleset> read_nftables_ruleset() {
  auto opened = opened_library<Nftables>(NVMETCTL_LIBNFTABLES_SONAME, "libnftables1");
  if (!opened) return opened.error();
  const Nftables& nft = **opened;
  std::unique_ptr<nft_ctx, decltype(nft.nft_ctx_free)> ctx(nft.nft_ctx_new(NFT_CTX_DEFAULT), nft.nft_ctx_free);
  if (!ctx) return SysError{ENOMEM, "read", "nftables ruleset", "libnftables could not start"};
  nft.nft_ctx_output_set_flags(ctx.get(), NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
  if (nft.nft_ctx_buffer_output(ctx.get()) != 0 || nft.nft_ctx_buffer_error(ctx.get()) != 0)
    return SysError{ENOMEM, "read", "nftables ruleset", "libnftables could not buffer its output"};
  if (nft.nft_run_cmd_from_buffer(ctx.get(), "list ruleset") != 0) {
    const char* error = nft.nft_ctx_get_error_buffer(ctx.get());
    return SysError{EPERM, "read", "nftables ruleset",
                    error && *error ? error : "libnftables could not list the ruleset"};
  }
  const char* output = nft.nft_ctx_get_output_buffer(ctx.get());
  // An empty ruleset prints nothing at all.
  if (output == nullptr || *output == '\0') return FirewallRuleset{};
  return parse_nftables_json(output);
}

}  // namespace nvmetctl
