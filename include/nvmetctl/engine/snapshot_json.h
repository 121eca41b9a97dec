#pragma once
// A Target as JSON, exactly: every object and attribute (secrets included),
// links, allowed hosts, passthru, ANA groups, referrals. The crash journal
// keeps the snapshot taken before a run this way, so `nvmetctl rollback` can
// put the tree back byte for byte. Names read from configfs may hold bytes
// that are not UTF-8: those strings are stored hex-encoded.
#include <nlohmann/json.hpp>

#include "nvmetctl/expected.h"
#include "nvmetctl/model/target.h"

namespace nvmetctl {

nlohmann::json snapshot_to_json(const Target& target);
// A document of another shape is an error naming what is wrong (`where` is
// the file it came from).
Expected<Target> snapshot_from_json(const nlohmann::json& doc, const std::string& where);

}  // namespace nvmetctl
