#include "tests/gui/gui_fixture.h"

#include <cstdlib>

#include "core/client/enrollment.h"

namespace guitest {

bool waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QTest::qSleep(2);
    }
    return true;
}

std::string modulePath() {
    const char* m = std::getenv("MESIGN_PKCS11_MODULE");
    return m ? m : "";
}

void TrayFixture::SetUp() {
    ASSERT_FALSE(modulePath().empty()) << "MESIGN_PKCS11_MODULE must name our module (set by CMake)";
    itest::VcardFixture::SetUp();
    // The agent's settings and runtime files stay in the test's directory.
    qputenv("XDG_CONFIG_HOME", QByteArray::fromStdString(path("config").string()));
}

void TrayFixture::TearDown() {
    m_controller.reset();  // stops the worker and the watcher before the card goes
    itest::VcardFixture::TearDown();
}

tray::TrayController& TrayFixture::controller(tray::TraySettings settings) {
    if (!m_controller) {
        m_controller = std::make_unique<tray::TrayController>(client::Client::withPcsc(), settings);
        QSignalSpy first(&m_controller->model(), &tray::TokenModel::tokensUpdated);
        m_controller->start();
        EXPECT_TRUE(waitFor([&] { return first.count() > 0; })) << "the worker never delivered a token list";
    }
    return *m_controller;
}

bool TrayFixture::waitForTokens(std::size_t n, int timeoutMs) {
    return waitFor([&] { return m_controller->model().tokens().size() == n; }, timeoutMs);
}

const client::TokenStatus& TrayFixture::firstToken() {
    static const client::TokenStatus none;
    const auto& t = m_controller->model().tokens();
    EXPECT_FALSE(t.empty());
    return t.empty() ? none : t.front();
}

void TrayFixture::refreshModel() {
    QSignalSpy spy(&m_controller->model(), &tray::TokenModel::tokensUpdated);
    QMetaObject::invokeMethod(&m_controller->worker(), &tray::CardWorker::refresh, Qt::QueuedConnection);
    EXPECT_TRUE(waitFor([&] { return spy.count() > 0; })) << "no token list after a refresh";
}

void TrayFixture::provisionCertificate(uint8_t keyRef, int days, const std::string& cn) {
    client::Client setup(token::makePcscBackend());
    auto tokens = setup.tokens();
    ASSERT_TRUE(tokens && tokens->size() == 1);
    const auto slot = tokens->front().slotId;
    const auto mgmt = client::defaultManagementKey();
    if (!std::filesystem::exists(path("ca.crt")))
        sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt"
           " -subj '/CN=Test CA' -days 500 2>/dev/null");
    auto spki = client::generateKey(setup, slot, keyRef, cardapp::KeyAlgorithm::EcP256, core::view(mgmt));
    ASSERT_TRUE(spki) << spki.error().describe();
    const std::string n = std::to_string(keyRef);
    itest::writeFile(path("pub" + n + ".der"), std::string(spki->begin(), spki->end()));
    sh("printf 'subjectAltName=email:" + std::string("user") + n +
       "@example.test\\nkeyUsage=digitalSignature\\n' > ext" + n +
       ".cnf && openssl pkey -pubin -inform DER -in pub" + n + ".der -out pub" + n +
       ".pem && openssl x509 -new"
       " -force_pubkey pub" +
       n + ".pem -subj '/CN=" + cn + "' -CA ca.crt -CAkey ca.key -days " + std::to_string(days) +
       " -extfile ext" + n + ".cnf -out c" + n + ".pem 2>/dev/null");
    const std::string pem = itest::readFile(path("c" + n + ".pem"));
    auto ok = client::importCertificate(
        setup, slot, keyRef, {reinterpret_cast<const uint8_t*>(pem.data()), pem.size()}, core::view(mgmt));
    ASSERT_TRUE(ok) << ok.error().describe();
}

itest::CommandResult TrayFixture::pkcs11Tool(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"pkcs11-tool", "--module", modulePath()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

}  // namespace guitest
