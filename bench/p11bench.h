// Shared parts of p11bench, the benchmark driver: options, JSON-line output, loading a PKCS#11 module by
// path (the 2.40 function list, so ours and OpenSC's are driven identically), timing and counting APDUs
// at the virtual card (mesign-vcard --apdu-log appends one line per APDU before answering it).
#pragma once

#include <dlfcn.h>
#include <pkcs11-helper-1.0/pkcs11.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC
using Bytes = std::vector<unsigned char>;

inline double msSince(Clock::time_point t0, Clock::time_point t1 = Clock::now()) {
    return std::chrono::duration<double, std::milli>(t1 - t0).count();
}

struct Options {
    std::string scenario;
    std::string module;
    std::string label;           // name of the module in the output ("mesign", "opensc")
    std::string apduLog;         // the card's --apdu-log file ("" = not counted)
    std::string pin = "123456";
    unsigned keyId = 1;          // CKA_ID (one byte): 01 = 9A, 02 = 9C
    std::string mech = "rsa";    // rsa (CKM_SHA256_RSA_PKCS) or ecdsa (CKM_ECDSA over a SHA-256 hash)
    int threads = 1;
    int iterations = 1;
    double seconds = 0;          // throughput: run this long instead of a fixed count
    std::string reader;          // hotplug, raw-sign: the PC/SC reader
    std::string vcard, state;    // hotplug: mesign-vcard and its state file
    int port = 0;                // hotplug: vpcd port
    std::string cert;            // raw-sign: PEM certificate of the key (to check the signatures)
    bool transaction = false;    // raw-sign: a PC/SC transaction around each signature
    bool extended = true;        // raw-sign: RSA in one extended-length APDU (the minimum when the card takes it)
    std::map<std::string, std::string> tags;  // --tag k=v: copied into every result line
};

// Prints "p11bench: what (rv 0x..)" on stderr and exits 1: a benchmark that failed measures nothing.
[[noreturn]] void fail(std::string_view what, CK_RV rv = CKR_OK);
void check(CK_RV rv, std::string_view what);

// One result line: {"scenario":..,"module":..,<tags>,<fields>} on stdout, flushed.
class Json {
  public:
    explicit Json(const Options& o);
    Json& num(const std::string& key, double v);
    Json& str(const std::string& key, const std::string& v);
    void print();

  private:
    std::string m_text;
};

// Byte offset of the APDU log: one stat() per checkpoint, so counting adds nothing measurable to a timed
// run; lines are counted afterwards.
class ApduCounter {
  public:
    explicit ApduCounter(std::string path) : m_path(std::move(path)) {}
    bool enabled() const { return !m_path.empty(); }
    long offset() const;                          // current size of the log (-1 when disabled)
    long lines(long from, long to) const;         // APDUs logged between two offsets
    // APDUs of one kind (instruction byte, "ins=A4") between two offsets.
    long linesWith(long from, long to, std::string_view what) const;

  private:
    std::string m_path;
};

struct Module {
    void* handle = nullptr;
    CK_FUNCTION_LIST* fl = nullptr;
};
Module loadModule(const std::string& path);        // dlopen + C_GetFunctionList (never dlclose'd)
void initialize(CK_FUNCTION_LIST* fl);             // C_Initialize with CKF_OS_LOCKING_OK
std::vector<CK_SLOT_ID> slotsWithToken(CK_FUNCTION_LIST* fl);
// The first slot whose token has a private key with CKA_ID keyId (scenarios with several cards).
CK_SLOT_ID slotWithKey(CK_FUNCTION_LIST* fl, unsigned keyId);
// Objects found with an empty template.
std::vector<CK_OBJECT_HANDLE> findAll(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s);
CK_OBJECT_HANDLE findKey(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, CK_OBJECT_CLASS cls, unsigned keyId);
Bytes attribute(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type);
void login(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, CK_USER_TYPE who, const std::string& pin);

// The message every scenario signs, and the signing step: C_SignInit (+ context-specific login when the
// key asks for it) + C_Sign. Returns the signature.
extern const std::string kMessage;
struct SignKey {
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    bool alwaysAuthenticate = false;
    Bytes spki;  // from the certificate with the same CKA_ID (CKA_VALUE)
};
// The private key of o.keyId and whether it needs a context-specific login.
SignKey prepareKey(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, const Options& o);
// k.spki from the certificate of o.keyId (kept out of the timed part of a run).
void readPublicKey(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, const Options& o, SignKey& k);
Bytes signOnce(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE s, const SignKey& k, const Options& o);
// Checks the signature with OpenSSL against the certificate's public key; fails the run if it is wrong.
void verifyOrFail(const SignKey& k, const Options& o, const Bytes& sig);
Bytes sha256(std::string_view data);


// Scenarios (one per process).
int runStart(const Options& o, bool sign);
int runThroughput(const Options& o);
int runHotplug(const Options& o);
int runRawSign(const Options& o);

}  // namespace bench
