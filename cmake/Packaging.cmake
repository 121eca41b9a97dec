# Install layout and the Debian package.
#
#   cmake --install build [--prefix /usr]     the same layout as the .deb
#   cmake -S . -B build -DCMAKE_INSTALL_PREFIX=/usr && cmake --build build
#   (cd build && cpack -G DEB)                 nvmetctl_<version>_<arch>.deb
#
# Layout (prefix /usr):
#   /usr/sbin/nvmetctl                                   (top-level CMakeLists.txt)
#   /usr/share/man/man8/nvmetctl.8.gz, man5/nvmetctl.yaml.5.gz
#   /usr/share/bash-completion/completions/nvmetctl
#   /usr/share/zsh/vendor-completions/_nvmetctl
#   /usr/share/fish/vendor_completions.d/nvmetctl.fish
#   /lib/systemd/system/nvmetctl.service                 (the systemd package's unit dir)
#   /lib/systemd/system/nvmetctl-watch.service           (the agent, the alternative to it)
#   /etc/nvmetctl/target.yaml                            (conffile; declares nothing as shipped)
#   /usr/share/doc/nvmetctl/examples/                    (example targets, the Ansible playbook)
#   /usr/share/ansible/collections/ansible_collections/nvmetctl/nvmet/   (the Ansible collection)
include(GNUInstallDirs)

set(NVMETCTL_SOURCE ${PROJECT_SOURCE_DIR})
set(NVMETCTL_GENERATED ${PROJECT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${NVMETCTL_GENERATED})

# Man pages, compressed as Debian policy wants them.
find_program(GZIP_EXECUTABLE gzip)
foreach(page nvmetctl.8 nvmetctl.yaml.5)
  string(REGEX MATCH "[0-9]$" section ${page})
  if(GZIP_EXECUTABLE)
    add_custom_command(
      OUTPUT ${NVMETCTL_GENERATED}/${page}.gz
      COMMAND ${GZIP_EXECUTABLE} -9 -n -c ${NVMETCTL_SOURCE}/man/${page} > ${NVMETCTL_GENERATED}/${page}.gz
      DEPENDS ${NVMETCTL_SOURCE}/man/${page}
      VERBATIM)
    list(APPEND NVMETCTL_MAN_OUTPUTS ${NVMETCTL_GENERATED}/${page}.gz)
    install(FILES ${NVMETCTL_GENERATED}/${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  else()
    install(FILES ${NVMETCTL_SOURCE}/man/${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endif()
endforeach()
if(NVMETCTL_MAN_OUTPUTS)
  add_custom_target(nvmetctl_man ALL DEPENDS ${NVMETCTL_MAN_OUTPUTS})
endif()

# Shell completions, where each shell looks for packaged ones.
install(FILES ${NVMETCTL_SOURCE}/completions/nvmetctl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES ${NVMETCTL_SOURCE}/completions/_nvmetctl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${NVMETCTL_SOURCE}/completions/nvmetctl.fish
        DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The boot unit, pointing at the installed binary.
if(NOT DEFINED NVMETCTL_SYSTEMD_UNIT_DIR)
  if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(NVMETCTL_SYSTEMD_UNIT_DIR /lib/systemd/system)
  else()
    set(NVMETCTL_SYSTEMD_UNIT_DIR ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
  endif()
endif()
# The boot unit and the agent's, pointing at the installed binary and file.
foreach(unit nvmetctl.service nvmetctl-watch.service)
  file(READ ${NVMETCTL_SOURCE}/systemd/${unit} NVMETCTL_UNIT)
  string(REPLACE "/usr/sbin/nvmetctl" "${CMAKE_INSTALL_FULL_SBINDIR}/nvmetctl" NVMETCTL_UNIT "${NVMETCTL_UNIT}")
  string(REPLACE "/etc/nvmetctl/" "${CMAKE_INSTALL_FULL_SYSCONFDIR}/nvmetctl/" NVMETCTL_UNIT "${NVMETCTL_UNIT}")
  file(WRITE ${NVMETCTL_GENERATED}/${unit} "${NVMETCTL_UNIT}")
  install(FILES ${NVMETCTL_GENERATED}/${unit} DESTINATION ${NVMETCTL_SYSTEMD_UNIT_DIR})
endforeach()

# The file the unit applies: declares nothing until the admin edits it.
install(FILES ${NVMETCTL_SOURCE}/examples/target.yaml
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/nvmetctl)

# Examples and the Ansible playbook.
file(GLOB NVMETCTL_EXAMPLES ${NVMETCTL_SOURCE}/examples/*.yaml)
install(FILES ${NVMETCTL_EXAMPLES} DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
if(EXISTS ${NVMETCTL_SOURCE}/examples/ansible)
  install(DIRECTORY ${NVMETCTL_SOURCE}/examples/ansible DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
endif()

# The Ansible collection, where ansible-core looks by default
# (COLLECTIONS_PATHS ends with /usr/share/ansible/collections): the
# playbook above and `ansible-doc nvmetctl.nvmet.target` work from the package.
install(DIRECTORY ${NVMETCTL_SOURCE}/ansible/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ansible/collections/ansible_collections/nvmetctl/nvmet
        PATTERN "README.md" EXCLUDE)

# ------------------------------------------------------------------ CPack DEB
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nvmetctl)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "nvmetctl")
set(CPACK_PACKAGE_CONTACT "nvmetctl maintainers <nvmetctl@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "declarative configuration of the Linux NVMe-oF target (nvmet)")
set(CPACK_PACKAGE_DESCRIPTION
    "nvmetctl makes the kernel NVMe over Fabrics target (nvmet, configfs) match a YAML file: "
    "validate, plan, apply with rollback, check (hosts are served), export, clear, status. It "
    "ships a systemd unit that applies /etc/nvmetctl/target.yaml at boot, waiting for addresses "
    "and devices, an agent unit (nvmetctl watch) that keeps it converged, and imports nvmetcli "
    "configurations.")
# The package holds the configured layout: build it from a tree configured
# with -DCMAKE_INSTALL_PREFIX=/usr (the unit and conffile paths follow it).
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "nvmetctl: install prefix ${CMAKE_INSTALL_PREFIX}; for a Debian package configure with -DCMAKE_INSTALL_PREFIX=/usr")
endif()
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binary when dpkg-shlibdeps is there, else the
# Debian 12 names of what it links.
# The libraries opened when first needed (util/shared_library) are no link
# dependency dpkg-shlibdeps could see: they are named here either way.
find_program(DPKG_SHLIBDEPS_EXECUTABLE dpkg-shlibdeps)
set(NVMETCTL_OPENED_WHEN_NEEDED_PACKAGES "libkmod2, libnftables1, libsystemd0, libssl3, libnvme1, libkeyutils1, zlib1g")
if(DPKG_SHLIBDEPS_EXECUTABLE)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${NVMETCTL_OPENED_WHEN_NEEDED_PACKAGES}")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libstdc++6, libgcc-s1, libyaml-cpp0.7, libmnl0, ${NVMETCTL_OPENED_WHEN_NEEDED_PACKAGES}")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "kmod, nvme-cli")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, rdma-core")
# /etc/nvmetctl/target.yaml is the admin's: keep their edits on upgrade.
file(WRITE ${NVMETCTL_GENERATED}/conffiles "${CMAKE_INSTALL_FULL_SYSCONFDIR}/nvmetctl/target.yaml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${NVMETCTL_GENERATED}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
