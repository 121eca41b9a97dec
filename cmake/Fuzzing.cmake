# libFuzzer targets (fuzz/). With NVMETCTL_FUZZ, every target that takes
# nvmetctl_settings (the core library, the test fakes, the unit tests) is
# built with coverage instrumentation for libFuzzer and with ASan + UBSan;
# only the fuzz targets link libFuzzer's main (fuzz/CMakeLists.txt).
# Needs clang: scripts/fuzz.sh and tests/fuzz/run-ci.sh set it up.
option(NVMETCTL_FUZZ "Build the libFuzzer targets in fuzz/ (clang; ASan + UBSan)" OFF)
if(NVMETCTL_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "NVMETCTL_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  target_compile_options(nvmetctl_settings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(nvmetctl_settings INTERFACE -fsanitize=address,undefined)
endif()
