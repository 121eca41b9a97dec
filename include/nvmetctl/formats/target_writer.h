#pragma once
// Live state back into the file format: what `export` prints, re-appliable.
// Secrets are never written; values a fresh object already has are left out.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nvmetctl/model/target.h"
#include "nvmetctl/rdma/rdma_device.h"

namespace nvmetctl {

// The exportable view of a live target: fresh defaults, unset paths,
// kernel-chosen port parameters and secrets dropped.
Target exportable_target(const Target& live, const std::vector<RdmaDevice>& rdma_devices);

// "subsystem nqn.x: attr_new" for each attribute file this nvmetctl does not
// know, which the export keeps under extra_attributes.
std::vector<std::string> extra_attribute_names(const Target& target);

std::string target_to_yaml(const Target& target);
nlohmann::json target_to_json(const Target& target);

}  // namespace nvmetctl
