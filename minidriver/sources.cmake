# Portable minidriver sources, shared by the native build and the mingw DLL (no OpenSSL here; the PIV and
# OpenPGP drivers md_card_open_*.cpp open come from card-apps/, whose crypto is OpenSSL on Linux and
# BCrypt/DER in the DLL).
set(MESIGN_MD_PORTABLE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/md_acquire.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_admin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_card_open_openpgp.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_card_open_piv.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_cert_usage.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_crypto_common.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_delete.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_ecdh.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_export.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_files.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_keys.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_pin.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_pin_change.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_profile.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_props.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_raw.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_rsa_encoding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_sign.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/md_write.cpp
  ${CMAKE_CURRENT_LIST_DIR}/scard_handle_transport.cpp
  ${CMAKE_CURRENT_LIST_DIR}/supported_cards.cpp)
