// fork() after C_Initialize (pkcs11/README.md "Fork"): the child is a new application. Its calls into the
// parent's library state get CKR_CRYPTOKI_NOT_INITIALIZED until it calls C_Initialize itself, after which it
// lists the token; the parent keeps its session and login and signs after the child is gone.
// A second child also logs in, signs and finalises: its logout (PIV VERIFY P1=FF) resets the PIN status of
// the card for every process, so the parent's next C_Sign gets CKR_USER_NOT_LOGGED_IN, its session turns
// public (the login is never re-established behind its back), and a new C_Login lets it sign again.
//
// Usage: p11_fork_client MODULE DATA_FILE PARENT_SIG CHILD_SIG (also writes PARENT_SIG.relogin). Reader:
// $MESIGN_TEST_READER; the card holds an RSA key with CKA_ID 01. Exit status 0 when all checks passed.
#include <sys/wait.h>
#include <unistd.h>

#include <iterator>

#include "p11_client.h"

namespace {

using namespace p11client;

std::string tokenLabel(CK_FUNCTION_LIST* fl, CK_SLOT_ID slot) {
    CK_TOKEN_INFO info{};
    expectRv(fl->C_GetTokenInfo(slot, &info), CKR_OK, "C_GetTokenInfo");
    return trimmed(info.label, sizeof info.label);
}

[[noreturn]] void child(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE parentSession, const std::string& label,
                        const std::string& data, const char* sigFile) {
    CK_ULONG n = 0;
    expectRv(fl->C_GetSlotList(CK_TRUE, nullptr, &n), CKR_CRYPTOKI_NOT_INITIALIZED, "child: C_GetSlotList");
    CK_SESSION_INFO info{};
    expectRv(fl->C_GetSessionInfo(parentSession, &info), CKR_CRYPTOKI_NOT_INITIALIZED,
             "child: the parent's session");
    expectRv(fl->C_Finalize(nullptr), CKR_CRYPTOKI_NOT_INITIALIZED, "child: C_Finalize before C_Initialize");
    initialize(fl);
    expectRv(fl->C_GetSlotList(CK_TRUE, nullptr, &n), CKR_OK, "child: C_GetSlotList after C_Initialize");
    if (n != 1) failWith("child: expected one slot with a token");
    CK_SLOT_ID slot = 0;
    expectRv(fl->C_GetSlotList(CK_TRUE, &slot, &n), CKR_OK, "child: C_GetSlotList");
    if (tokenLabel(fl, slot) != label) failWith("child: another token label");
    // Handles of the parent mean nothing here: the child's session table is new.
    expectRv(fl->C_GetSessionInfo(parentSession, &info), CKR_SESSION_HANDLE_INVALID,
             "child: parent's handle");
    CK_SESSION_HANDLE h = 0;
    expectRv(fl->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h), CKR_OK,
             "child: C_OpenSession");
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}};
    CK_OBJECT_HANDLE certs[8];
    expectRv(fl->C_FindObjectsInit(h, tmpl, 1), CKR_OK, "child: C_FindObjectsInit");
    expectRv(fl->C_FindObjects(h, certs, 8, &n), CKR_OK, "child: C_FindObjects");
    expectRv(fl->C_FindObjectsFinal(h), CKR_OK, "child: C_FindObjectsFinal");
    if (n != 4) failWith("child: expected the 4 certificates");
    if (sigFile) {
        login(fl, h);
        writeFile(sigFile, signSha256Rsa(fl, h, 0x01, data));
    }
    expectRv(fl->C_Finalize(nullptr), CKR_OK, "child: C_Finalize");
    std::printf(
        "child: CKR_CRYPTOKI_NOT_INITIALIZED before C_Initialize, then token '%s' and its certificates "
        "listed%s\n",
        label.c_str(), sigFile ? ", logged in, signed, finalised" : "");
    std::fflush(stdout);
    _exit(0);
}

void runChild(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE parentSession, const std::string& label,
              const std::string& data, const char* sigFile) {
    std::fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) failWith("fork");
    if (pid == 0) child(fl, parentSession, label, data, sigFile);
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) failWith("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failWith("the child failed");
}

CK_STATE sessionState(CK_FUNCTION_LIST* fl, CK_SESSION_HANDLE h) {
    CK_SESSION_INFO info{};
    expectRv(fl->C_GetSessionInfo(h, &info), CKR_OK, "parent: C_GetSessionInfo");
    return info.state;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5 || !std::getenv("MESIGN_TEST_READER")) {
        std::fprintf(stderr, "usage: MESIGN_TEST_READER=... %s MODULE DATA PARENT_SIG CHILD_SIG\n", argv[0]);
        return 2;
    }
    std::ifstream in(argv[2], std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CK_FUNCTION_LIST* fl = loadModule(argv[1]);
    initialize(fl);
    CK_SLOT_ID slot = slotOfReader(fl, std::getenv("MESIGN_TEST_READER"));
    std::string label = tokenLabel(fl, slot);
    CK_SESSION_HANDLE h = 0;
    expectRv(fl->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &h), CKR_OK, "C_OpenSession");
    login(fl, h);

    runChild(fl, h, label, data, nullptr);
    // The parent is untouched: same session, still logged in, signs.
    if (sessionState(fl, h) != CKS_RO_USER_FUNCTIONS) failWith("parent: session no longer logged in");
    if (tokenLabel(fl, slot) != label) failWith("parent: another token label");
    writeFile(argv[3], signSha256Rsa(fl, h, 0x01, data));
    std::puts("parent: still logged in after the child, signed");

    runChild(fl, h, label, data, argv[4]);
    // The second child's logout reached the card: reported, not hidden, and a new login recovers.
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_BYTE id = 0x01;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, &id, 1}};
    CK_OBJECT_HANDLE key = 0;
    CK_ULONG found = 0;
    expectRv(fl->C_FindObjectsInit(h, tmpl, 2), CKR_OK, "parent: C_FindObjectsInit");
    expectRv(fl->C_FindObjects(h, &key, 1, &found), CKR_OK, "parent: C_FindObjects");
    expectRv(fl->C_FindObjectsFinal(h), CKR_OK, "parent: C_FindObjectsFinal");
    CK_MECHANISM mech{CKM_SHA256_RSA_PKCS, nullptr, 0};
    expectRv(fl->C_SignInit(h, &mech, key), CKR_OK, "parent: C_SignInit");
    std::vector<CK_BYTE> input(data.begin(), data.end()), sig(512);
    CK_ULONG len = sig.size();
    expectRv(fl->C_Sign(h, input.data(), input.size(), sig.data(), &len), CKR_USER_NOT_LOGGED_IN,
             "parent: C_Sign after the child logged the card out");
    if (sessionState(fl, h) != CKS_RO_PUBLIC_SESSION) failWith("parent: session still claims the login");
    login(fl, h);
    writeFile(std::string(argv[3]) + ".relogin", signSha256Rsa(fl, h, 0x01, data));
    expectRv(fl->C_Finalize(nullptr), CKR_OK, "parent: C_Finalize");
    std::puts("parent: CKR_USER_NOT_LOGGED_IN after the second child's logout, logged in again, signed");
    std::puts("fork: all checks passed");
    return 0;
}
