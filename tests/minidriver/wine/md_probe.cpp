// md_probe.exe: drives the cross-built mesign-minidriver.dll under Wine as the Base CSP would, and prints
// what it sees as `name=value` lines (hex for bytes) for tests/minidriver/wine_test.cpp to check.
//
//   md_probe.exe e2e <dll> <reader> <pin> <sha256-hex>
//       SCardEstablishContext/Connect (through the test winscard.dll), a transaction, CardAcquireContext
//       with our own allocator and cache callbacks, the read-only calls, CardAuthenticatePin and
//       CardSignData (container 0: RSA PKCS#1 v1.5 with SHA-256 DigestInfo; container 3: ECDSA), then
//       CardDeleteContext and the count of allocations not freed.
//   md_probe.exe pgp <dll> <reader> <pin> <sha256-hex>
//       The same session on an OpenPGP card: files, containers 0-2, GUID and serial, PW1, an RSA signature
//       with SIG, ECDSA with AUT, and SIG again without a new PIN (refused: PW1 is valid for one signature).
//   md_probe.exe pgpgen <dll> <reader> <pw3>
//       OpenPGP enrolment: PW3, a P-256 key generated in AUT (container 2), its container info, and a
//       malformed certificate written to ksc02 (refused).
//   md_probe.exe pgpcert <dll> <reader> <pw3> <pw1> <cert-hex> <sha256-hex>
//       PW3, the certificate written to ksc02 and read back, PW1, an ECDSA signature with AUT.
//   md_probe.exe stub <dll> <atr-hex>
//       Wine's own (stub) winscard: CardAcquireContext with a handle no PC/SC service issued must fail
//       cleanly; prints the code.
// Exit code 0 when the program ran to the end (the checks are the test's), 2 on bad usage.
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "minidriver/cardmod_v7.h"

namespace {

using Bytes = std::vector<uint8_t>;

std::set<void*> g_live;

LPVOID WINAPI probeAlloc(SIZE_T n) {
    void* p = std::calloc(1, n);
    if (p) g_live.insert(p);
    return p;
}
LPVOID WINAPI probeReAlloc(LPVOID old, SIZE_T n) {
    if (old) g_live.erase(old);
    void* p = std::realloc(old, n);
    if (p) g_live.insert(p);
    return p;
}
void WINAPI probeFree(LPVOID p) {
    if (!p) return;
    if (!g_live.erase(p)) std::printf("bad-free=1\n");
    std::free(p);
}
DWORD WINAPI cacheAdd(PVOID, LPWSTR, DWORD, PBYTE, DWORD) {
    return SCARD_S_SUCCESS;
}
DWORD WINAPI cacheLookup(PVOID, LPWSTR, DWORD, PBYTE*, PDWORD) {
    return DWORD(SCARD_W_CACHE_ITEM_NOT_FOUND);
}
DWORD WINAPI cacheDelete(PVOID, LPWSTR, DWORD) {
    return SCARD_S_SUCCESS;
}

wchar_t g_cardName[] = L"MeSign Virtual PIV";

std::string hex(const BYTE* p, std::size_t n) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += d[p[i] >> 4];
        s += d[p[i] & 15];
    }
    return s;
}
std::string hex(const Bytes& b) {
    return hex(b.data(), b.size());
}

bool fromHex(const std::string& s, Bytes& out) {
    if (s.size() % 2) return false;
    out.clear();
    for (std::size_t i = 0; i < s.size(); i += 2) {
        char* end = nullptr;
        const std::string byte = s.substr(i, 2);
        const long v = std::strtol(byte.c_str(), &end, 16);
        if (*end) return false;
        out.push_back(uint8_t(v));
    }
    return true;
}

void print(const char* name, DWORD rc) {
    std::printf("%s=%08lx\n", name, static_cast<unsigned long>(rc));
}

using AcquireFn = DWORD(WINAPI*)(PCARD_DATA, DWORD);

AcquireFn loadDriver(const char* path) {
    HMODULE dll = LoadLibraryA(path);
    if (!dll) {
        std::printf("loadlibrary=%08lx\n", static_cast<unsigned long>(GetLastError()));
        return nullptr;
    }
    auto fn = reinterpret_cast<AcquireFn>(reinterpret_cast<void*>(GetProcAddress(dll, "CardAcquireContext")));
    std::printf("getprocaddress=%d\n", fn ? 1 : 0);
    return fn;
}

void prepare(CARD_DATA& d, Bytes& atr, SCARDCONTEXT ctx, SCARDHANDLE card) {
    d = CARD_DATA{};
    d.dwVersion = CARD_DATA_CURRENT_VERSION;
    d.pbAtr = atr.data();
    d.cbAtr = DWORD(atr.size());
    d.pwszCardName = g_cardName;
    d.pfnCspAlloc = probeAlloc;
    d.pfnCspReAlloc = probeReAlloc;
    d.pfnCspFree = probeFree;
    d.pfnCspCacheAddFile = cacheAdd;
    d.pfnCspCacheLookupFile = cacheLookup;
    d.pfnCspCacheDeleteFile = cacheDelete;
    d.hSCardCtx = ctx;
    d.hScard = card;
}

void readFile(CARD_DATA& d, const char* dir, const char* file, const char* name) {
    PBYTE p = nullptr;
    DWORD n = 0;
    const DWORD rc = d.pfnCardReadFile(&d, const_cast<LPSTR>(dir), const_cast<LPSTR>(file), 0, &p, &n);
    std::printf("%s.rc=%08lx\n", name, static_cast<unsigned long>(rc));
    if (rc == SCARD_S_SUCCESS) {
        std::printf("%s=%s\n", name, hex(p, n).c_str());
        probeFree(p);
    }
}

void containerInfo(CARD_DATA& d, BYTE index) {
    CONTAINER_INFO info{};
    info.dwVersion = CONTAINER_INFO_CURRENT_VERSION;
    const DWORD rc = d.pfnCardGetContainerInfo(&d, index, 0, &info);
    std::printf("container%u.rc=%08lx\n", index, static_cast<unsigned long>(rc));
    if (rc != SCARD_S_SUCCESS) return;
    std::printf("container%u.sig=%s\n", index, hex(info.pbSigPublicKey, info.cbSigPublicKey).c_str());
    std::printf("container%u.kx=%s\n", index, hex(info.pbKeyExPublicKey, info.cbKeyExPublicKey).c_str());
    probeFree(info.pbSigPublicKey);
    probeFree(info.pbKeyExPublicKey);
}

void property(CARD_DATA& d, LPCWSTR prop, const char* name) {
    BYTE buf[512];
    DWORD n = 0;
    const DWORD rc = d.pfnCardGetProperty(&d, const_cast<LPWSTR>(prop), buf, sizeof buf, &n, 0);
    std::printf("%s.rc=%08lx\n", name, static_cast<unsigned long>(rc));
    if (rc == SCARD_S_SUCCESS) std::printf("%s=%s\n", name, hex(buf, n).c_str());
}

void sign(CARD_DATA& d, BYTE index, ALG_ID hashAlg, DWORD keySpec, Bytes& hash, const char* name) {
    CARD_SIGNING_INFO info{};
    info.dwVersion = CARD_SIGNING_INFO_CURRENT_VERSION;
    info.bContainerIndex = index;
    info.dwKeySpec = keySpec;
    info.aiHashAlg = hashAlg;
    info.pbData = hash.data();
    info.cbData = DWORD(hash.size());
    const DWORD rc = d.pfnCardSignData(&d, &info);
    std::printf("%s.rc=%08lx\n", name, static_cast<unsigned long>(rc));
    if (rc == SCARD_S_SUCCESS) {
        std::printf("%s=%s\n", name, hex(info.pbSignedData, info.cbSignedData).c_str());
        d.pfnCspFree(info.pbSignedData);
    }
}

// SCardEstablishContext/ListReaders/Connect/Status/BeginTransaction, CardAcquireContext, `body(d)`,
// CardDeleteContext, then the teardown and the count of allocations not freed.
template <typename Body>
int session(const char* dllPath, const std::string& reader, Body body) {
    SCARDCONTEXT ctx = 0;
    SCARDHANDLE card = 0;
    DWORD protocol = 0;
    print("establish", DWORD(SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx)));
    char readers[1024];
    DWORD readersLen = sizeof readers;
    const LONG lr = SCardListReadersA(ctx, nullptr, readers, &readersLen);
    print("listreaders", DWORD(lr));
    if (lr == SCARD_S_SUCCESS) {
        for (const char* r = readers; *r; r += std::string(r).size() + 1) std::printf("reader=%s\n", r);
    }
    print("connect", DWORD(SCardConnectA(ctx, reader.c_str(), SCARD_SHARE_SHARED,
                                         SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol)));
    BYTE atrBuf[36];
    DWORD atrLen = sizeof atrBuf, state = 0, readerLen = 0;
    print("status", DWORD(SCardStatusA(card, nullptr, &readerLen, &state, &protocol, atrBuf, &atrLen)));
    Bytes atr(atrBuf, atrBuf + atrLen);
    std::printf("atr=%s\n", hex(atr).c_str());
    print("begintransaction", DWORD(SCardBeginTransaction(card)));

    auto acquireContext = loadDriver(dllPath);
    if (!acquireContext) return 0;
    CARD_DATA d;
    prepare(d, atr, ctx, card);
    const DWORD rc = acquireContext(&d, 0);
    print("acquire", rc);
    if (rc == SCARD_S_SUCCESS) {
        std::printf("version=%lu\n", static_cast<unsigned long>(d.dwVersion));
        body(d);
        print("deletecontext", d.pfnCardDeleteContext(&d));
    }
    print("endtransaction", DWORD(SCardEndTransaction(card, SCARD_LEAVE_CARD)));
    print("disconnect", DWORD(SCardDisconnect(card, SCARD_LEAVE_CARD)));
    print("release", DWORD(SCardReleaseContext(ctx)));
    std::printf("live-allocations=%zu\n", g_live.size());
    return 0;
}

void userPin(CARD_DATA& d, const std::string& pin) {
    DWORD attempts = 0;
    print("pin", d.pfnCardAuthenticatePin(&d, const_cast<LPWSTR>(wszCARD_USER_USER),
                                          reinterpret_cast<PBYTE>(const_cast<char*>(pin.data())),
                                          DWORD(pin.size()), &attempts));
}

int endToEnd(const char* dllPath, const std::string& reader, const std::string& pin, Bytes hash) {
    return session(dllPath, reader, [&](CARD_DATA& d) {
        readFile(d, nullptr, "cardid", "cardid");
        readFile(d, nullptr, "cardcf", "cardcf");
        readFile(d, nullptr, "cardapps", "cardapps");
        readFile(d, "mscp", "cmapfile", "cmapfile");
        readFile(d, "mscp", "kxc00", "kxc00");
        readFile(d, "mscp", "ksc03", "ksc03");
        containerInfo(d, 0);
        containerInfo(d, 3);
        containerInfo(d, 1);
        CARD_CAPABILITIES caps{};
        caps.dwVersion = CARD_CAPABILITIES_CURRENT_VERSION;
        print("capabilities.rc", d.pfnCardQueryCapabilities(&d, &caps));
        std::printf("capabilities=%d,%d\n", int(caps.fCertificateCompression), int(caps.fKeyGen));
        property(d, CP_CARD_GUID, "guid");
        property(d, CP_CARD_READ_ONLY, "readonly");
        userPin(d, pin);
        sign(d, 0, CALG_SHA_256, AT_KEYEXCHANGE, hash, "sign.rsa");
        sign(d, 3, CALG_SHA_256, AT_ECDSA_P256, hash, "sign.ec");
    });
}

// An OpenPGP card (containers 0 SIG, 1 DEC, 2 AUT): SIG RSA with a certificate, AUT ECDSA P-256 with one.
// PW1 (CardAuthenticatePin) allows one signature with SIG (the card's default C4), then one with AUT; a
// second SIG signature must be refused until PW1 is presented again.
int openPgp(const char* dllPath, const std::string& reader, const std::string& pin, Bytes hash) {
    return session(dllPath, reader, [&](CARD_DATA& d) {
        readFile(d, nullptr, "cardid", "cardid");
        readFile(d, nullptr, "cardcf", "cardcf");
        readFile(d, "mscp", "cmapfile", "cmapfile");
        readFile(d, "mscp", "ksc00", "ksc00");
        readFile(d, "mscp", "ksc02", "ksc02");
        for (BYTE i : {0, 1, 2}) containerInfo(d, i);
        property(d, CP_CARD_GUID, "guid");
        property(d, CP_CARD_SERIAL_NO, "serial");
        userPin(d, pin);
        sign(d, 0, CALG_SHA_256, AT_SIGNATURE, hash, "sign.rsa");
        sign(d, 2, CALG_SHA_256, AT_ECDSA_P256, hash, "sign.ec");
        sign(d, 0, CALG_SHA_256, AT_SIGNATURE, hash, "sign.again");
    });
}

void adminPin(CARD_DATA& d, const std::string& pin) {
    DWORD attempts = 0;
    print("admin", d.pfnCardAuthenticateEx(&d, ROLE_ADMIN, 0, reinterpret_cast<PBYTE>(const_cast<char*>(pin.data())),
                                           DWORD(pin.size()), nullptr, nullptr, &attempts));
}

void writeFile(CARD_DATA& d, const char* file, Bytes data, const char* name) {
    CARD_FILE_ACCESS_CONDITION ac = EveryoneReadUserWriteAc;
    const DWORD created = d.pfnCardCreateFile(&d, const_cast<LPSTR>("mscp"), const_cast<LPSTR>(file), 0, ac);
    std::printf("%s.create=%08lx\n", name, static_cast<unsigned long>(created));
    print(name, d.pfnCardWriteFile(&d, const_cast<LPSTR>("mscp"), const_cast<LPSTR>(file), 0, data.data(),
                                   DWORD(data.size())));
}

// Enrolment on an OpenPGP card, step 1: PW3, a P-256 key generated in AUT (container 2: the DLL computes the
// v4 fingerprint with BCrypt's SHA-1 and the SPKI with its DER code), its public key, and a certificate
// file the DLL's certificate check must refuse (`30 00`).
int openPgpGenerate(const char* dllPath, const std::string& reader, const std::string& pw3) {
    return session(dllPath, reader, [&](CARD_DATA& d) {
        adminPin(d, pw3);
        print("create", d.pfnCardCreateContainerEx(&d, 2, CARD_CREATE_CONTAINER_KEY_GEN, AT_ECDSA_P256, 256,
                                                   nullptr, ROLE_USER));
        containerInfo(d, 2);
        writeFile(d, "ksc02", Bytes{0x30, 0x00}, "badcert");
    });
}

// Step 2: PW3, the certificate written to ksc02 (7F21) and read back, PW1, an ECDSA signature with it.
int openPgpCertify(const char* dllPath, const std::string& reader, const std::string& pw3, const std::string& pw1,
                   const Bytes& cert, Bytes hash) {
    return session(dllPath, reader, [&](CARD_DATA& d) {
        adminPin(d, pw3);
        writeFile(d, "ksc02", cert, "cert");
        readFile(d, "mscp", "ksc02", "ksc02");
        userPin(d, pw1);
        sign(d, 2, CALG_SHA_256, AT_ECDSA_P256, hash, "sign.ec");
    });
}

int stub(const char* dllPath, Bytes atr) {
    auto acquireContext = loadDriver(dllPath);
    if (!acquireContext) return 0;
    CARD_DATA d;
    // Handles no PC/SC service issued: the driver's first APDU must fail and be reported, not crash.
    prepare(d, atr, SCARDCONTEXT(0x5eed), SCARDHANDLE(0xbad));
    print("acquire", acquireContext(&d, 0));
    std::printf("live-allocations=%zu\n", g_live.size());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    setvbuf(stdout, nullptr, _IONBF, 0);  // every line out even if the driver crashes the process
    const std::string mode = argc > 1 ? argv[1] : "";
    Bytes bytes;
    if (mode == "e2e" && argc == 6 && fromHex(argv[5], bytes))
        return endToEnd(argv[2], argv[3], argv[4], bytes);
    if (mode == "pgp" && argc == 6 && fromHex(argv[5], bytes)) return openPgp(argv[2], argv[3], argv[4], bytes);
    Bytes cert;
    if (mode == "pgpgen" && argc == 5) return openPgpGenerate(argv[2], argv[3], argv[4]);
    if (mode == "pgpcert" && argc == 8 && fromHex(argv[6], cert) && fromHex(argv[7], bytes))
        return openPgpCertify(argv[2], argv[3], argv[4], argv[5], cert, bytes);
    if (mode == "stub" && argc == 4 && fromHex(argv[3], bytes)) return stub(argv[2], bytes);
    std::fprintf(stderr, "usage: md_probe e2e|pgp <dll> <reader> <pin> <sha256-hex> | pgpgen <dll> <reader> <pw3> | "
                 "pgpcert <dll> <reader> <pw3> <pw1> <cert-hex> <sha256-hex> | stub <dll> <atr-hex>\n");
    return 2;
}
