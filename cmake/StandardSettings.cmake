# Settings and warnings as interface targets, so each target opts in explicitly.
add_library(nvmetctl_settings INTERFACE)
target_compile_features(nvmetctl_settings INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

add_library(nvmetctl_warnings INTERFACE)
target_compile_options(nvmetctl_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wconversion -Wsign-conversion)
option(NVMETCTL_WERROR "Treat warnings as errors" OFF)
if(NVMETCTL_WERROR)
  target_compile_options(nvmetctl_warnings INTERFACE -Werror)
endif()

# ASan and UBSan for every target that takes the settings (the unit tests
# run under them in build-asan); any UB report fails the test.
option(NVMETCTL_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(NVMETCTL_SANITIZE)
  target_compile_options(nvmetctl_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(nvmetctl_settings INTERFACE -fsanitize=address,undefined)
endif()
