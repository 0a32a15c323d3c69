# A Debian package of what cmake/install.cmake (and the subdirectories' install rules) install:
# `cpack -G DEB` in the build directory. Installed under /usr; shared-library dependencies from
# dpkg-shlibdeps, plus pcscd (the cards are reached through it) and the libraries loaded at run time.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mesign-token)
set(CPACK_PACKAGE_VENDOR "MeSign")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "USB token and smartcard middleware: PKCS#11 module, CLI, virtual cards")
set(CPACK_PACKAGE_CONTACT "MeSign Token developers <mesign-token@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libp11-3: mesign-token links it; pcscd/libpcsclite1: every card access; p11-kit reads mesign.module.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "pcscd, libpcsclite1, libp11-3, p11-kit")
# register-nss runs modutil; virtual cards need vsmartcard's vpcd reader driver.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libnss3-tools, vsmartcard-vpcd")
include(CPack)
