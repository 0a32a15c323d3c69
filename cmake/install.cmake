# Installation layout (cmake --install, and CPack from cmake/packaging.cmake): the PKCS#11 module and its
# p11-kit registration, mesign-token and mesign-vcard, man pages made from their --help, the udev rules
# generated from udev/devices.tsv, the README.
# `cmake --build BUILD --target uninstall` removes exactly the files install_manifest.txt lists.
#
# Also run as a script (cmake -DMANIFEST=FILE -P cmake/install.cmake) by the uninstall target.
if(CMAKE_SCRIPT_MODE_FILE)
  if(NOT EXISTS "${MANIFEST}")
    message(FATAL_ERROR "no ${MANIFEST}: nothing was installed from this build directory")
  endif()
  file(STRINGS "${MANIFEST}" _installed)
  list(REMOVE_DUPLICATES _installed)
  foreach(_f IN LISTS _installed)
    if(EXISTS "${_f}" OR IS_SYMLINK "${_f}")
      message(STATUS "Removing ${_f}")
      file(REMOVE "${_f}")
    else()
      message(STATUS "Already gone: ${_f}")
    endif()
  endforeach()
  return()
endif()

# vcard/tool and pkcs11/ install mesign-vcard and the module to the same places themselves (the manifest
# then names them twice; uninstall removes each once). Top-level rules run after the subdirectories'.
install(TARGETS mesign-token mesign-vcard RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS mesign-pkcs11 LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkcs11)

# p11-kit finds the module through this file. Written at install time, so that its absolute path follows
# the prefix actually used (cmake --install --prefix, CPack's /usr), not the one configured. It replaces
# pkcs11/mesign.module (a path relative to p11-kit's module directory, right only for a /usr multiarch libdir),
# which pkcs11/CMakeLists.txt installs to the same place before this runs.
install(CODE "
  set(_module \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkcs11/libmesign-pkcs11.so\")
  file(WRITE \"${CMAKE_BINARY_DIR}/p11-kit/mesign.module\"
       \"# p11-kit registration of the MeSign Token PKCS#11 module\\nmodule: \${_module}\\ncritical: no\\n\")
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/p11-kit/modules\" TYPE FILE
       FILES \"${CMAKE_BINARY_DIR}/p11-kit/mesign.module\")")

# Man pages from --help (docs/man/make-man.sh, help2man).
find_program(MESIGN_HELP2MAN help2man)
if(MESIGN_HELP2MAN)
  set(_man ${CMAKE_BINARY_DIR}/man)
  add_custom_command(OUTPUT ${_man}/mesign-token.1 ${_man}/mesign-vcard.1
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_man}
    COMMAND ${PROJECT_SOURCE_DIR}/docs/man/make-man.sh $<TARGET_FILE:mesign-token> ${PROJECT_VERSION}
            "MeSign Token command-line tool: tokens, PINs, enrolment, S/MIME, CMS and PDF signatures"
            ${_man}/mesign-token.1
    COMMAND ${PROJECT_SOURCE_DIR}/docs/man/make-man.sh $<TARGET_FILE:mesign-vcard> ${PROJECT_VERSION}
            "virtual PIV/OpenPGP smart card for pcscd's vpcd reader" ${_man}/mesign-vcard.1
    DEPENDS mesign-token mesign-vcard ${PROJECT_SOURCE_DIR}/docs/man/make-man.sh
    COMMENT "Man pages from --help (help2man)" VERBATIM)
  add_custom_target(mesign-man ALL DEPENDS ${_man}/mesign-token.1 ${_man}/mesign-vcard.1)
  install(FILES ${_man}/mesign-token.1 ${_man}/mesign-vcard.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "help2man not found: no man pages (scripts/install-deps.sh installs it)")
endif()

# udev looks in /usr/lib/udev/rules.d (Debian 12: /lib is /usr/lib); a /usr/local prefix would not be seen.
install(FILES ${MESIGN_UDEV_RULES} DESTINATION lib/udev/rules.d)

install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

add_custom_target(uninstall
  COMMAND ${CMAKE_COMMAND} -DMANIFEST=${CMAKE_BINARY_DIR}/install_manifest.txt -P ${CMAKE_CURRENT_LIST_FILE}
  COMMENT "Removing the files install_manifest.txt lists" VERBATIM)
