// Run by gui_desktop.sh in its "sni" mode only (Xvfb without an XEmbed tray, dbusmock's notification daemon
// in dbus-run-session). TrayNoTrayTest: no tray at all (GNOME without the AppIndicator extension) — the
// agent runs, its notices carry an action, and ActionInvoked for one of them opens the token window.
// TraySniTest: with a StatusNotifierWatcher (sni_watcher.py) Qt puts the icon on D-Bus; the item is
// registered with the watcher and its Status, ToolTip and IconPixmap follow the token's state.
#include <QDBusConnection>
#include <QDBusMessage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSystemTrayIcon>

#include "tests/gui/gui_fixture.h"
#include "tray/token_window.h"
#include "tray/tray_icons.h"

namespace guitest {
namespace {

QString env(const char* name) {
    return qEnvironmentVariable(name);
}

// Three wrong PINs through a client of our own: the token's PIN is locked.
void lockPin() {
    client::Client setup(token::makePcscBackend());
    auto tokens = setup.tokens();
    ASSERT_TRUE(tokens && tokens->size() == 1);
    auto tok = setup.token(tokens->front().slotId);
    ASSERT_TRUE(tok);
    const std::string wrong = "999999";
    for (int i = 0; i < 3; ++i) {
        auto st = (*tok)->loginUser({reinterpret_cast<const uint8_t*>(wrong.data()), wrong.size()});
        ASSERT_FALSE(st);
        EXPECT_EQ(st.error().code, core::Errc::PinIncorrect) << st.error().describe();
    }
}

class TrayNoTrayTest : public TrayFixture {
  protected:
    bool insertCardAtSetUp() const override { return false; }
    void SetUp() override {
        ASSERT_EQ(env("MODE"), QStringLiteral("sni")) << "run through tests/gui/gui_desktop.sh ... sni";
        TrayFixture::SetUp();
    }
};

// Asks dbusmock's notification daemon to emit ActionInvoked(id, action), as a click would.
void invokeAction(uint id, const QString& action) {
    QDBusMessage m = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("/org/freedesktop/Notifications"),
        QStringLiteral("org.freedesktop.DBus.Mock"), QStringLiteral("EmitSignal"));
    m << QStringLiteral("org.freedesktop.Notifications") << QStringLiteral("ActionInvoked")
      << QStringLiteral("us") << QVariantList{QVariant::fromValue(id), action};
    const QDBusMessage reply = QDBusConnection::sessionBus().call(m);
    EXPECT_NE(reply.type(), QDBusMessage::ErrorMessage) << reply.errorMessage().toStdString();
}

TEST_F(TrayNoTrayTest, NoticeActionOpensTheTokenWindow) {
    auto& c = controller();
    EXPECT_FALSE(QSystemTrayIcon::isSystemTrayAvailable()) << "this desktop was meant to have no tray";
    ASSERT_TRUE(c.notifier().freedesktopAvailable());
    insertCard();
    ASSERT_TRUE(waitFor([&] { return !c.notifier().sentIds().isEmpty(); }, 5000))
        << "no notice id came back from the notification server";
    const std::string log = itest::readFile(env("MESIGN_NOTIFY_LOG").toStdString());
    EXPECT_NE(log.find("Token inserted"), std::string::npos) << log;
    EXPECT_NE(log.find("\"default\""), std::string::npos) << "the notice carries no default action:\n" << log;
    EXPECT_FALSE(c.window() && c.window()->isVisible());

    // Someone else's notice clicked: nothing opens.
    const uint ours = *c.notifier().sentIds().begin();
    invokeAction(ours + 1000, QStringLiteral("default"));
    QTest::qWait(300);
    EXPECT_FALSE(c.window() && c.window()->isVisible());
    // Ours: the token window opens.
    invokeAction(ours, QStringLiteral("default"));
    EXPECT_TRUE(waitFor([&] { return c.window() && c.window()->isVisible(); }, 5000))
        << "ActionInvoked did not open the token window";
}

class TraySniTest : public TrayFixture {
  protected:
    void SetUp() override {
        ASSERT_FALSE(env("MESIGN_SNI_LOG").isEmpty()) << "run through tests/gui/gui_desktop.sh ... sni";
        TrayFixture::SetUp();
    }

    // The item's properties through sni_watcher.py, run while this thread keeps serving D-Bus (the item
    // lives on the GUI thread: a blocking wait would starve it).
    QJsonObject queryItem(const QString& service) {
        QProcess p;
        p.start(QStringLiteral("/usr/bin/python3"),
                {env("MESIGN_SNI_SCRIPT"), QStringLiteral("query"), service});
        EXPECT_TRUE(waitFor([&] { return p.state() == QProcess::NotRunning; }, 15000));
        const QByteArray out = p.readAllStandardOutput();
        EXPECT_EQ(p.exitCode(), 0) << p.readAllStandardError().toStdString();
        return QJsonDocument::fromJson(out).object();
    }
};

TEST_F(TraySniTest, IconIsAStatusNotifierItemFollowingTheTokenState) {
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    EXPECT_TRUE(QSystemTrayIcon::isSystemTrayAvailable());
    const std::string logPath = env("MESIGN_SNI_LOG").toStdString();
    ASSERT_TRUE(waitFor([&] { return !itest::readFile(logPath).empty(); }, 5000))
        << "RegisterStatusNotifierItem was never called";
    const std::string line = itest::readFile(logPath).substr(0, itest::readFile(logPath).find('\n'));
    const QString service = QString::fromStdString(line.substr(line.find(' ') + 1));
    std::cout << "[ sni      ] registered: " << line << '\n';

    const QJsonObject ready = queryItem(service);
    EXPECT_EQ(ready[QStringLiteral("Status")].toString(), QStringLiteral("Active"));
    const QString readyTip = ready[QStringLiteral("ToolTipTitle")].toString() + QLatin1Char('\n') +
                             ready[QStringLiteral("ToolTipText")].toString();
    EXPECT_TRUE(readyTip.contains(tray::trayStateText(tray::TrayState::Ready))) << readyTip.toStdString();
    EXPECT_GT(ready[QStringLiteral("IconDistinctPixels")].toInt(), 2) << "a blank icon";

    // Locked by another program: no card event; the agent's periodic re-read (shortened here) finds it.
    c.setPollInterval(std::chrono::milliseconds(500));
    lockPin();
    ASSERT_TRUE(waitFor([&] { return c.model().worstAttention() == client::Attention::PinLocked; }, 10000))
        << "the PIN locked elsewhere never showed";
    const QJsonObject locked = queryItem(service);
    EXPECT_EQ(locked[QStringLiteral("Status")].toString(), QStringLiteral("Active"));
    const QString lockedTip = locked[QStringLiteral("ToolTipTitle")].toString() + QLatin1Char('\n') +
                              locked[QStringLiteral("ToolTipText")].toString();
    EXPECT_TRUE(lockedTip.contains(tray::trayStateText(tray::TrayState::PinLocked)))
        << lockedTip.toStdString();
    EXPECT_NE(locked[QStringLiteral("IconSha256")].toString(), ready[QStringLiteral("IconSha256")].toString())
        << "the icon did not change with the state";
}

}  // namespace
}  // namespace guitest
