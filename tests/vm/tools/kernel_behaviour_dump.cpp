// Prints what nvmetctl's kernel behaviour table expects of one kernel, one
// "key value" line each, for tests/vm/cases/kernel-behaviour.sh to hold
// against the real kernel in the guest:
//   rule <name> yes|no          every KernelRule
//   default_version <M.m>
//   after_write <file>=<value> <file>=<value>   a port attribute and what it moves
//   after_enable <trtype> <inline_data_size> <max_queue_size> -> <inline> <queue>
#include <cstdio>
#include <string>

#include "nvmetctl/model/kernel_behaviour.h"

using namespace nvmetctl;

namespace {

void print_after_write(AttrMap port, const std::string& file, const std::string& value, const char* moved) {
  apply_port_write(port, file, value);
  std::printf("after_write %s=%s %s=%s\n", file.c_str(), value.c_str(), moved, attr_value(port, moved).c_str());
}

void print_after_enable(const std::string& trtype, const std::string& inline_size, const std::string& queue_size) {
  AttrMap port{{"addr_trtype", trtype}, {"param_inline_data_size", inline_size}, {"param_max_queue_size", queue_size}};
  apply_port_enable(port);
  std::printf("after_enable %s %s %s -> %s %s\n", trtype.c_str(), inline_size.c_str(), queue_size.c_str(),
              port["param_inline_data_size"].c_str(), port["param_max_queue_size"].c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s KERNEL-RELEASE\n", argv[0]);
    return 64;
  }
  KernelVersion version = parse_kernel_release(argv[1]);
  if (!version.known()) {
    std::fprintf(stderr, "cannot parse kernel release '%s'\n", argv[1]);
    return 64;
  }
  for (const KernelRuleSpec& spec : kernel_rules())
    std::printf("rule %s %s\n", spec.name, kernel_has(spec.rule, version) ? "yes" : "no");
  std::printf("default_version %s\n", default_subsystem_version(version)->c_str());
  AttrMap rdma_port{{"addr_trtype", "rdma"}, {"addr_tsas", "connected"}, {"addr_treq", "not specified"}};
  print_after_write(rdma_port, "addr_trtype", "tcp", "addr_tsas");
  AttrMap tcp_port{{"addr_trtype", "tcp"}, {"addr_tsas", "none"}, {"addr_treq", "not specified"}};
  print_after_write(tcp_port, "addr_tsas", "tls1.3", "addr_treq");
  tcp_port["addr_tsas"] = "tls1.3";
  tcp_port["addr_treq"] = "required";
  print_after_write(tcp_port, "addr_tsas", "none", "addr_treq");
  print_after_enable("tcp", "-1", "-1");
  print_after_enable("tcp", "-1", "2048");
  print_after_enable("rdma", "-1", "1024");
  return 0;
}
