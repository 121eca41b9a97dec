#include "nvmetctl/model/attribute_table.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace nvmetctl {
namespace {

using K = ObjectKind;
using T = ValueType;
using M = Mutability;

const std::vector<std::string> kTrtypes{"rdma", "tcp", "fc", "loop", "pci"};
const std::vector<std::string> kAdrfams{"ipv4", "ipv6", "ib", "fc", "loop", "pci"};
const std::vector<std::string> kTreq{"not specified", "required", "not required"};
const std::vector<std::string> kTsas{"none", "tls1.3", "connected"};
const std::vector<std::string> kAnaStates{"optimized", "non-optimized", "inaccessible",
                                          "persistent-loss", "change"};
const std::vector<std::string> kHashes{"hmac(sha256)", "hmac(sha384)", "hmac(sha512)"};
const std::vector<std::string> kDhGroups{"null", "ffdhe2048", "ffdhe3072", "ffdhe4096",
                                         "ffdhe6144", "ffdhe8192"};

AttributeSpec attr(K kind, const char* key, const char* file, T type) {
  AttributeSpec spec{};
  spec.kind = kind;
  spec.key = key;
  spec.file = file;
  spec.type = type;
  return spec;
}
AttributeSpec with_range(AttributeSpec spec, long long lo, long long hi) {
  spec.min = lo;
  spec.max = hi;
  return spec;
}
AttributeSpec with_choices(AttributeSpec spec, const std::vector<std::string>& choices) {
  spec.choices = choices;
  return spec;
}
AttributeSpec since(AttributeSpec spec, int major, int minor) {
  spec.since = {major, minor};
  return spec;
}
AttributeSpec mut(AttributeSpec spec, Mutability mutability) {
  spec.mutability = mutability;
  return spec;
}
AttributeSpec fresh(AttributeSpec spec, const char* value) {
  spec.fresh_default = value;
  return spec;
}
AttributeSpec needs(AttributeSpec spec, const char* option) {
  spec.needs_config = option;
  return spec;
}

// Within one object, table order is write order (see attribute_write_rank).
std::vector<AttributeSpec> build_table() {
  std::vector<AttributeSpec> t;
  // Identity first: frozen once a host identifies the subsystem.
  t.push_back(mut(with_range(attr(K::Subsystem, "serial", "attr_serial", T::Text), 1, 20), M::UntilDiscovered));
  t.push_back(fresh(mut(with_range(attr(K::Subsystem, "model", "attr_model", T::Text), 1, 40), M::UntilDiscovered), "Linux"));
  t.push_back(mut(attr(K::Subsystem, "version", "attr_version", T::Version), M::UntilDiscovered));
  t.push_back(since(mut(with_range(attr(K::Subsystem, "firmware", "attr_firmware", T::Text), 1, 8), M::UntilDiscovered), 6, 3));
  t.push_back(fresh(since(mut(with_range(attr(K::Subsystem, "ieee_oui", "attr_ieee_oui", T::Hex), 0, 0xffffff), M::UntilDiscovered), 6, 3), "0x000000"));
  t.push_back(fresh(since(with_range(attr(K::Subsystem, "vendor_id", "attr_vendor_id", T::Hex), 0, 0xffff), 6, 14), "0x0"));
  t.push_back(fresh(since(with_range(attr(K::Subsystem, "subsys_vendor_id", "attr_subsys_vendor_id", T::Hex), 0, 0xffff), 6, 14), "0x0"));
  t.push_back(fresh(with_range(attr(K::Subsystem, "cntlid_min", "attr_cntlid_min", T::UInt), 1, 65519), "1"));
  t.push_back(fresh(with_range(attr(K::Subsystem, "cntlid_max", "attr_cntlid_max", T::UInt), 1, 65519), "65519"));
  {
    auto qid = fresh(with_range(attr(K::Subsystem, "qid_max", "attr_qid_max", T::UInt), 1, 128), "128");
    qid.drops_controllers = true;
    t.push_back(qid);
  }
  t.push_back(fresh(needs(attr(K::Subsystem, "pi_enable", "attr_pi_enable", T::Bool), "CONFIG_BLK_DEV_INTEGRITY"), "0"));
  t.push_back(fresh(attr(K::Subsystem, "allow_any_host", "attr_allow_any_host", T::Bool), "0"));

  t.push_back(mut(attr(K::Namespace, "device_path", "device_path", T::Path), M::WhileNamespaceDisabled));
  t.push_back(mut(attr(K::Namespace, "device_uuid", "device_uuid", T::Uuid), M::WhileNamespaceDisabled));
  t.push_back(fresh(mut(attr(K::Namespace, "device_nguid", "device_nguid", T::Nguid), M::WhileNamespaceDisabled),
                    "00000000-0000-0000-0000-000000000000"));
  t.push_back(fresh(mut(attr(K::Namespace, "buffered_io", "buffered_io", T::Bool), M::WhileNamespaceDisabled), "0"));
  t.push_back(fresh(needs(mut(attr(K::Namespace, "p2pmem", "p2pmem", T::Text), M::WhileNamespaceDisabled), "CONFIG_PCI_P2PDMA"), "0"));
  t.push_back(fresh(since(mut(attr(K::Namespace, "resv_enable", "resv_enable", T::Bool), M::WhileNamespaceDisabled), 6, 13), "0"));
  t.push_back(fresh(with_range(attr(K::Namespace, "ana_grpid", "ana_grpid", T::UInt), 1, 128), "1"));
  t.push_back(fresh(attr(K::Namespace, "enable", "enable", T::Bool), "0"));

  t.push_back(needs(attr(K::Passthru, "device_path", "device_path", T::Path), "CONFIG_NVME_TARGET_PASSTHRU"));
  t.push_back(fresh(needs(with_range(attr(K::Passthru, "admin_timeout", "admin_timeout", T::UInt), 0, 4294967295LL), "CONFIG_NVME_TARGET_PASSTHRU"), "0"));
  t.push_back(fresh(needs(with_range(attr(K::Passthru, "io_timeout", "io_timeout", T::UInt), 0, 4294967295LL), "CONFIG_NVME_TARGET_PASSTHRU"), "0"));
  t.push_back(fresh(needs(with_range(attr(K::Passthru, "clear_ids", "clear_ids", T::UInt), 0, 4294967295LL), "CONFIG_NVME_TARGET_PASSTHRU"), "0"));
  t.push_back(fresh(needs(attr(K::Passthru, "enable", "enable", T::Bool), "CONFIG_NVME_TARGET_PASSTHRU"), "0"));

  // trtype before adrfam/traddr, tsas before treq: a trtype write resets
  // tsas, and a tsas write changes treq.
  t.push_back(mut(with_choices(attr(K::Port, "trtype", "addr_trtype", T::Enum), kTrtypes), M::WhilePortDisabled));
  t.push_back(mut(with_choices(attr(K::Port, "adrfam", "addr_adrfam", T::Enum), kAdrfams), M::WhilePortDisabled));
  t.push_back(mut(with_range(attr(K::Port, "traddr", "addr_traddr", T::Text), 1, 255), M::WhilePortDisabled));
  t.push_back(mut(with_range(attr(K::Port, "trsvcid", "addr_trsvcid", T::Text), 1, 31), M::WhilePortDisabled));
  t.push_back(since(mut(with_choices(attr(K::Port, "tsas", "addr_tsas", T::Enum), kTsas), M::WhilePortDisabled), 6, 9));
  t.push_back(fresh(mut(with_choices(attr(K::Port, "treq", "addr_treq", T::Enum), kTreq), M::WhilePortDisabled), "not specified"));
  {
    auto inline_size = fresh(mut(with_range(attr(K::Port, "inline_data_size", "param_inline_data_size", T::Int), -1, 2147483647), M::WhilePortDisabled), "-1");
    inline_size.kernel_rewrites = true;
    t.push_back(inline_size);
    auto queue_size = fresh(since(mut(with_range(attr(K::Port, "max_queue_size", "param_max_queue_size", T::Int), -1, 2147483647), M::WhilePortDisabled), 6, 9), "-1");
    queue_size.kernel_rewrites = true;
    t.push_back(queue_size);
    auto mdts = fresh(since(mut(with_range(attr(K::Port, "mdts", "param_mdts", T::Int), -1, 255), M::WhilePortDisabled), 7, 0), "-1");
    t.push_back(mdts);
  }
  t.push_back(fresh(needs(mut(attr(K::Port, "pi_enable", "param_pi_enable", T::Bool), M::WhilePortDisabled), "CONFIG_BLK_DEV_INTEGRITY"), "0"));

  t.push_back(mut(with_choices(attr(K::Referral, "trtype", "addr_trtype", T::Enum), kTrtypes), M::WhileReferralDisabled));
  t.push_back(mut(with_choices(attr(K::Referral, "adrfam", "addr_adrfam", T::Enum), kAdrfams), M::WhileReferralDisabled));
  t.push_back(mut(with_range(attr(K::Referral, "traddr", "addr_traddr", T::Text), 1, 255), M::WhileReferralDisabled));
  t.push_back(mut(with_range(attr(K::Referral, "trsvcid", "addr_trsvcid", T::Text), 1, 31), M::WhileReferralDisabled));
  t.push_back(mut(with_range(attr(K::Referral, "portid", "addr_portid", T::UInt), 0, 65535), M::WhileReferralDisabled));
  t.push_back(fresh(mut(with_choices(attr(K::Referral, "treq", "addr_treq", T::Enum), kTreq), M::WhileReferralDisabled), "not specified"));
  t.push_back(fresh(attr(K::Referral, "enable", "enable", T::Bool), "0"));

  t.push_back(with_choices(attr(K::AnaGroup, "state", "ana_state", T::Enum), kAnaStates));

  t.push_back(needs(attr(K::Host, "dhchap_key_file", "dhchap_key", T::Secret), "CONFIG_NVME_TARGET_AUTH"));
  t.push_back(needs(attr(K::Host, "dhchap_ctrl_key_file", "dhchap_ctrl_key", T::Secret), "CONFIG_NVME_TARGET_AUTH"));
  t.push_back(fresh(needs(with_choices(attr(K::Host, "dhchap_hash", "dhchap_hash", T::Enum), kHashes), "CONFIG_NVME_TARGET_AUTH"), "hmac(sha256)"));
  t.push_back(fresh(needs(with_choices(attr(K::Host, "dhchap_dhgroup", "dhchap_dhgroup", T::Enum), kDhGroups), "CONFIG_NVME_TARGET_AUTH"), "null"));
  return t;
}

// NVMETCTL_TEST_FORGET_ATTRIBUTES="subsystem:attr_ieee_oui,...": the real-
// kernel tests play an nvmetctl older than the kernel, which has attribute
// files this table lacks (there is no such kernel to boot yet).
std::vector<AttributeSpec> without_forgotten(std::vector<AttributeSpec> t) {
  const char* env = std::getenv("NVMETCTL_TEST_FORGET_ATTRIBUTES");
  if (!env || !*env) return t;
  std::string list = std::string(",") + env + ",";
  std::erase_if(t, [&](const AttributeSpec& spec) {
    std::string kind = spec.kind == K::Subsystem ? "subsystem" : spec.kind == K::Namespace ? "namespace"
                     : spec.kind == K::Port ? "port" : spec.kind == K::Host ? "host"
                     : spec.kind == K::Referral ? "referral" : "other";
    return list.find("," + kind + ":" + spec.file + ",") != std::string::npos;
  });
  return t;
}

const std::vector<AttributeSpec>& table() {
  static const std::vector<AttributeSpec> instance = without_forgotten(build_table());
  return instance;
}

constexpr std::size_t kKinds = static_cast<std::size_t>(K::AnaGroup) + 1;

// Every export and plan asks for one kind's attributes once per object:
// sorted out of the table once, not again for each of thousands of objects.
const std::array<std::vector<const AttributeSpec*>, kKinds>& specs_by_kind() {
  static const auto instance = [] {
    std::array<std::vector<const AttributeSpec*>, kKinds> by_kind;
    for (const auto& spec : table()) by_kind[static_cast<std::size_t>(spec.kind)].push_back(&spec);
    return by_kind;
  }();
  return instance;
}

using SpecsByFile = std::vector<std::pair<std::string_view, const AttributeSpec*>>;

// Every live attribute of a big target is looked up by its file name.
const std::array<SpecsByFile, kKinds>& specs_by_file() {
  static const auto instance = [] {
    std::array<SpecsByFile, kKinds> by_file;
    for (const auto& spec : table()) by_file[static_cast<std::size_t>(spec.kind)].emplace_back(spec.file, &spec);
    for (auto& specs : by_file) std::sort(specs.begin(), specs.end());
    return by_file;
  }();
  return instance;
}

std::string_view rtrim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// uuids and nguids are hex digits and dashes: ASCII, whatever the locale.
bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

}  // namespace

std::span<const AttributeSpec> attribute_table() { return table(); }

const AttributeSpec* find_attribute_by_key(ObjectKind kind, const std::string& key) {
  for (const AttributeSpec* spec : attributes_of(kind))
    if (key == spec->key) return spec;
  return nullptr;
}

const AttributeSpec* find_attribute_by_file(ObjectKind kind, const std::string& file) {
  const auto index = static_cast<std::size_t>(kind);
  if (index >= kKinds) return nullptr;
  const SpecsByFile& specs = specs_by_file()[index];
  auto it = std::lower_bound(specs.begin(), specs.end(), std::string_view(file),
                             [](const auto& entry, std::string_view name) { return entry.first < name; });
  return it != specs.end() && it->first == file ? it->second : nullptr;
}

std::span<const AttributeSpec* const> attributes_of(ObjectKind kind) {
  const auto index = static_cast<std::size_t>(kind);
  if (index >= kKinds) return {};  // a kind added after AnaGroup must grow kKinds
  return specs_by_kind()[index];
}

const char* object_kind_name(ObjectKind kind) {
  switch (kind) {
    case K::Host: return "host";
    case K::Subsystem: return "subsystem";
    case K::Namespace: return "namespace";
    case K::Passthru: return "passthru";
    case K::Port: return "port";
    case K::Referral: return "referral";
    case K::AnaGroup: return "ana group";
  }
  return "object";
}

bool is_extra_attribute(ObjectKind kind, const std::string& file) { return !find_attribute_by_file(kind, file); }

bool is_attribute_file_name(const std::string& file) {
  if (file.empty() || file.size() > 64 || file[0] < 'a' || file[0] > 'z') return false;
  for (char c : file)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool is_unset_path(const AttributeSpec& spec, const std::string& value) {
  return spec.type == ValueType::Path && value == "(null)";
}

bool attribute_values_equal(const AttributeSpec& spec, std::string_view desired, std::string_view live) {
  switch (spec.type) {
    case T::Text:
      // attr_serial reads back space-padded to 20 characters.
      return rtrim(desired) == rtrim(live);
    case T::Uuid:
    case T::Nguid:
      return equal_ignoring_case(desired, live);
    case T::Hex:
      // ieee_oui shows 0x%06x, vendor ids 0x%x: compare the numbers.
      return std::strtoull(std::string(desired).c_str(), nullptr, 0) ==
             std::strtoull(std::string(live).c_str(), nullptr, 0);
    case T::Secret:
      return rtrim(desired) == rtrim(live);
    default:
      return desired == live;
  }
}

int attribute_write_rank(const AttributeSpec& spec) {
  const auto& all = table();
  return static_cast<int>(&spec - all.data());
}

}  // namespace nvmetctl
