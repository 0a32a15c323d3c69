#include "tests/gui/gui_fixture.h"

#include <cstdlib>

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

itest::CommandResult TrayFixture::pkcs11Tool(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"pkcs11-tool", "--module", modulePath()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

}  // namespace guitest
