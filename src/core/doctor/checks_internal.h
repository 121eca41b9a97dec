#pragma once
// Checks shared between the live pass and the file's pre-flight.
#include <string>
#include <vector>

#include "nvmetctl/doctor/doctor.h"

namespace nvmetctl::doctor {

struct NamespaceSubject {
  std::string object;       // "namespace 10 of nqn.x"
  std::string dir;          // configfs directory (live), for fixes
  std::string device_path;
  bool enabled = false;     // live: enable reads 1; file: irrelevant
  bool buffered_io = false;
  bool in_file = false;     // from the file: fixes name the file
};

void check_namespace_device(const DoctorInputs& in, Findings& out, const NamespaceSubject& ns,
                            const std::vector<LogEvent>& events);

}  // namespace nvmetctl::doctor
