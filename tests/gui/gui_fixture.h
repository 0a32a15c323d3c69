// Shared set-up for the tray's GUI tests: a virtual PIV card behind the sandbox's pcscd (VcardFixture)
// and a TrayController over the real PC/SC stack, plus helpers to wait for the model and to run
// openssl / pkcs11-tool in the test's directory.
#pragma once

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <functional>
#include <memory>

#include "core/client/client.h"
#include "tests/integration/vcard_fixture.h"
#include "tray/card_worker.h"
#include "tray/notifier.h"
#include "tray/token_model.h"
#include "tray/tray_controller.h"

namespace guitest {

// Processes Qt events until `done()` or the timeout; true when done.
bool waitFor(const std::function<bool()>& done, int timeoutMs = 10000);

// The PKCS#11 module the tests check the card through ($MESIGN_PKCS11_MODULE, set by CMake).
std::string modulePath();

class TrayFixture : public itest::VcardFixture {
  protected:
    void SetUp() override;
    void TearDown() override;

    // Creates and starts the controller (once), waits for its first token read.
    tray::TrayController& controller(tray::TraySettings settings = {});
    // Waits until the model shows `n` tokens.
    bool waitForTokens(std::size_t n, int timeoutMs = 10000);
    const client::TokenStatus& firstToken();
    // Re-reads the tokens on the worker and waits for the model to have them.
    void refreshModel();
    // Before the controller starts: an EC P-256 key generated in `keyRef` and a certificate for it
    // ("CN=<cn>", valid `days` from now) issued by a throwaway CA (ca.crt/ca.key in the test directory) and
    // imported.
    void provisionCertificate(uint8_t keyRef, int days, const std::string& cn);
    // pkcs11-tool against our module; returns its result.
    itest::CommandResult pkcs11Tool(const std::vector<std::string>& args);

    std::unique_ptr<tray::TrayController> m_controller;
};

}  // namespace guitest
