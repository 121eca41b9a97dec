// The live nftables ruleset, asked of libnftables (nft's own library) as JSON.
#include <cerrno>
#include <memory>

#include <nftables/libnftables.h>

#include "nvmetctl/net/firewall_rules.h"

namespace nvmetctl {

Expected<FirewallRuleset> read_nftables_ruleset() {
  std::unique_ptr<nft_ctx, decltype(&nft_ctx_free)> ctx(nft_ctx_new(NFT_CTX_DEFAULT), nft_ctx_free);
  if (!ctx) return SysError{ENOMEM, "read", "nftables ruleset", "libnftables could not start"};
  nft_ctx_output_set_flags(ctx.get(), NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
  if (nft_ctx_buffer_output(ctx.get()) != 0 || nft_ctx_buffer_error(ctx.get()) != 0)
    return SysError{ENOMEM, "read", "nftables ruleset", "libnftables could not buffer its output"};
  if (nft_run_cmd_from_buffer(ctx.get(), "list ruleset") != 0) {
    const char* error = nft_ctx_get_error_buffer(ctx.get());
    return SysError{EPERM, "read", "nftables ruleset",
                    error && *error ? error : "libnftables could not list the ruleset"};
  }
  const char* output = nft_ctx_get_output_buffer(ctx.get());
  // An empty ruleset prints nothing at all.
  if (output == nullptr || *output == '\0') return FirewallRuleset{};
  return parse_nftables_json(output);
}

}  // namespace nvmetctl
