#!/usr/bin/env bash
# no-private-key-ops.sh LIBRARY... — fails if a library imports an OpenSSL function that performs (or sets
# up) a private-key operation: signing, decryption, key agreement, key generation, or parsing / loading a
# private key.
# The PKCS#11 module links OpenSSL 3 dynamically, so every OpenSSL function it can call is an undefined
# dynamic symbol: this list is complete for what the module can do with OpenSSL (README.md).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: no-private-key-ops.sh LIBRARY..." >&2; exit 2; }
command -v nm >/dev/null || { echo "FAIL: nm (binutils) not found" >&2; exit 1; }

# OpenSSL 3 functions that USE a private key (sign, decrypt, key agreement), make one (key and parameter
# generation), or READ one (DER/PEM/PKCS#8/PKCS#12 parsers, decoders, raw private-key getters), in the EVP
# and the deprecated low-level APIs. Key import through C_CreateObject takes the components as PKCS#11
# attributes; DER keys are turned into components outside the module (card-apps' mesign_key_der).
FORBIDDEN='^(d2i_AutoPrivateKey.*|d2i_PrivateKey.*|d2i_PKCS8.*|d2i_RSAPrivateKey.*|d2i_ECPrivateKey.*|d2i_DSAPrivateKey.*|PEM_read.*PrivateKey|PEM_read_bio_PKCS8.*|PKCS12_parse|PKCS12_.*decrypt.*|PKCS8_decrypt.*|EVP_PKCS82PKEY.*|OSSL_DECODER_.*|OSSL_STORE_.*|EVP_PKEY_get_raw_private_key|EVP_PKEY_new_raw_private_key.*|EVP_PKEY_new_private_key.*|RSA_get0_d|RSA_get0_p|RSA_get0_q|RSA_get0_factors|RSA_get0_crt_params|EC_KEY_get0_private_key|EC_KEY_set_private_key|EVP_PKEY_sign|EVP_PKEY_sign_init.*|EVP_PKEY_sign_message.*|EVP_PKEY_decrypt|EVP_PKEY_decrypt_init.*|EVP_PKEY_derive|EVP_PKEY_derive_init.*|EVP_PKEY_derive_set_peer.*|EVP_PKEY_keygen|EVP_PKEY_keygen_init|EVP_PKEY_generate|EVP_PKEY_paramgen.*|EVP_PKEY_Q_keygen|EVP_RSA_gen|EVP_EC_gen|EVP_DigestSign.*|EVP_Sign.*|EVP_OpenInit|EVP_OpenFinal|EVP_PKEY_encapsulate.*|EVP_PKEY_decapsulate.*|RSA_private_.*|RSA_sign.*|RSA_generate_key.*|RSA_X931_.*|ECDSA_sign.*|ECDSA_do_sign.*|ECDH_compute_key|EC_KEY_generate_key|DSA_sign.*|DSA_do_sign|DSA_generate_key|DH_compute_key.*|DH_generate_key|ED25519_sign|ED448_sign|X25519|X448)(@.*)?$'

status=0
for lib in "$@"; do
    [ -f "$lib" ] || { echo "FAIL: $lib not found" >&2; exit 1; }
    imports=$(nm -D --undefined-only "$lib" | awk '{print $NF}')
    crypto=$(grep -cE '^(EVP_|RSA_|EC_|ECDSA_|OPENSSL_|BN_|X509_|d2i_|i2d_)' <<<"$imports" || true)
    # The check must see the real import table: the module does use OpenSSL (hashing, parsing).
    [ "$crypto" -gt 0 ] || { echo "FAIL: $lib imports no OpenSSL function at all; is it linked statically?" >&2; exit 1; }
    bad=$(grep -E "$FORBIDDEN" <<<"$imports" || true)
    if [ -n "$bad" ]; then
        echo "FAIL: $lib imports OpenSSL private-key functions:" >&2
        echo "$bad" | sed 's/^/  /' >&2
        status=1
    else
        echo "$lib: $crypto OpenSSL imports, none of them a private-key operation"
    fi
done
exit $status
