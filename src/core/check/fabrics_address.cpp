#include "nvmetctl/check/fabrics_host.h"
#include "nvmetctl/net/ip_address.h"

namespace nvmetctl {

std::string FabricsAddress::describe() const {
  if (traddr.empty()) return trtype;
  return trtype + " " + address_and_port(traddr, trsvcid);
}

}  // namespace nvmetctl
