// Run by gui_desktop.sh only (Xvfb with trayer, a dbusmock notification daemon in dbus-run-session):
// notifications go to org.freedesktop.Notifications, the tray is real and its menu opens with xdotool,
// and screenshots of the tray menu and of the token window are saved as PNG and checked not to be blank.
// TrayBalloonTest runs before the daemon starts: with no notification server the tray's own balloon shows,
// and a click on it opens the token window.
#include <QDir>
#include <QImage>
#include <QMenu>
#include <QScreen>
#include <QSet>
#include <QSystemTrayIcon>

#include "tests/gui/gui_fixture.h"
#include "tray/token_window.h"

namespace guitest {
namespace {

QString envPath(const char* name) {
    return qEnvironmentVariable(name);
}

// Distinct colours on a 4-pixel grid: a blank (one-colour) image has 1.
int distinctColours(const QImage& img) {
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2) colours.insert(img.pixel(x, y));
    return colours.size();
}

QString saveShot(const QImage& img, const QString& name) {
    QDir().mkpath(envPath("MESIGN_GUI_SHOTS"));
    const QString file = QDir(envPath("MESIGN_GUI_SHOTS")).filePath(name);
    EXPECT_TRUE(img.save(file, "PNG")) << file.toStdString();
    std::cout << "[ screenshot ] " << file.toStdString() << " (" << img.width() << "x" << img.height() << ", "
              << distinctColours(img) << " colours)\n";
    return file;
}

class TrayDesktopTest : public TrayFixture {
  protected:
    void SetUp() override {
        ASSERT_FALSE(envPath("MESIGN_GUI_SHOTS").isEmpty()) << "run through tests/gui/gui_desktop.sh";
        ASSERT_FALSE(envPath("MESIGN_NOTIFY_LOG").isEmpty()) << "run through tests/gui/gui_desktop.sh";
        TrayFixture::SetUp();
    }
};

TEST_F(TrayDesktopTest, NotificationsReachTheFreedesktopDaemon) {
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    ASSERT_TRUE(c.notifier().freedesktopAvailable()) << "no org.freedesktop.Notifications on the session bus";
    EXPECT_EQ(removeCard(), 0);
    ASSERT_TRUE(waitForTokens(0, 5000));
    const std::string label = "Token removed";
    ASSERT_TRUE(waitFor(
        [&] {
            return itest::readFile(envPath("MESIGN_NOTIFY_LOG").toStdString()).find(label) !=
                   std::string::npos;
        },
        5000))
        << "the notification daemon's log lacks '" << label << "':\n"
        << itest::readFile(envPath("MESIGN_NOTIFY_LOG").toStdString());
    // Present at start: not announced; inserted later: announced.
    insertCard();
    ASSERT_TRUE(waitFor(
        [&] {
            return itest::readFile(envPath("MESIGN_NOTIFY_LOG").toStdString()).find("Token inserted") !=
                   std::string::npos;
        },
        5000))
        << itest::readFile(envPath("MESIGN_NOTIFY_LOG").toStdString());
    const std::string log = itest::readFile(envPath("MESIGN_NOTIFY_LOG").toStdString());
    EXPECT_NE(log.find("Notify \"MeSign Token\""), std::string::npos) << log;
}

TEST_F(TrayDesktopTest, TrayMenuAndTokenWindowScreenshots) {
    // Something to show: a certificate that expires in 10 days (highlighted, "renew" offered) and one for a
    // year.
    provisionCertificate(0x9A, 365, "Jane Example");
    provisionCertificate(0x9C, 10, "Jane Example (expiring)");
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    // trayer may take the tray selection a moment after its window exists (seen on a loaded CI machine):
    // Qt notices the manager appearing and embeds the icon then.
    ASSERT_TRUE(waitFor([] { return QSystemTrayIcon::isSystemTrayAvailable(); }, 15000))
        << "trayer is not running as the system tray";
    ASSERT_TRUE(waitFor(
        [&] { return c.trayIcon().geometry().isValid() && c.trayIcon().geometry().width() > 0; }, 5000))
        << "the tray icon was never embedded";
    const QRect g = c.trayIcon().geometry();
    std::cout << "[ tray ] icon at " << g.x() << "," << g.y() << " " << g.width() << "x" << g.height()
              << "\n";

    // Right-click the icon as a person would: the context menu must open.
    auto click = run({"xdotool", "mousemove", std::to_string(g.center().x()), std::to_string(g.center().y()),
                      "click", "3"});
    ASSERT_EQ(click.exitCode, 0) << click.describe();
    ASSERT_TRUE(waitFor([&] { return c.menu().isVisible(); }, 5000)) << "the tray menu did not open";
    QTest::qWait(300);  // let it paint
    QScreen* screen = QGuiApplication::primaryScreen();
    const QImage menuShot = screen->grabWindow(0).toImage();
    saveShot(menuShot, QStringLiteral("tray-menu.png"));
    EXPECT_GT(distinctColours(menuShot), 20);
    // The menu region itself holds text, not one colour.
    const QImage menuOnly = menuShot.copy(c.menu().geometry());
    EXPECT_GT(distinctColours(menuOnly), 10);
    c.menu().hide();

    auto* win = c.showWindow();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(win));
    win->selectToken(0, 1);
    EXPECT_TRUE(win->detailsText().contains(QStringLiteral("expires in")))
        << win->detailsText().toStdString();
    win->selectToken(0, 0);  // the expiring row unselected, so its highlight shows in the picture
    QTest::qWait(300);
    EXPECT_TRUE(win->detailsText().contains(QStringLiteral("CN=Jane Example")))
        << win->detailsText().toStdString();
    const QImage winShot = win->grab().toImage();
    saveShot(winShot, QStringLiteral("token-window.png"));
    EXPECT_GT(distinctColours(winShot), 20);
    const QImage screenShot = screen->grabWindow(0).toImage();
    saveShot(screenShot, QStringLiteral("desktop.png"));
}

class TrayBalloonTest : public TrayFixture {
  protected:
    bool insertCardAtSetUp() const override { return false; }
    void SetUp() override {
        ASSERT_FALSE(envPath("MESIGN_GUI_SHOTS").isEmpty()) << "run through tests/gui/gui_desktop.sh";
        TrayFixture::SetUp();
    }
};

TEST_F(TrayBalloonTest, WithoutANotificationServerTheTrayBalloonShowsAndOpensTheWindow) {
    auto& c = controller();
    // trayer may take the tray selection a moment after its window exists (seen on a loaded CI machine):
    // Qt notices the manager appearing and embeds the icon then.
    ASSERT_TRUE(waitFor([] { return QSystemTrayIcon::isSystemTrayAvailable(); }, 15000))
        << "trayer is not running as the system tray";
    ASSERT_FALSE(c.notifier().freedesktopAvailable())
        << "this session was meant to have no notification server";
    ASSERT_TRUE(waitFor([&] { return c.trayIcon().geometry().width() > 0; }, 5000))
        << "the tray icon was never embedded";
    insertCard();
    ASSERT_TRUE(waitFor([&] { return !c.notifier().history().isEmpty(); }, 5000));
    EXPECT_EQ(c.notifier().history().back().kind, tray::Notice::Inserted);
    QWidget* balloon = nullptr;
    ASSERT_TRUE(waitFor(
        [&] {
            for (QWidget* w : QApplication::topLevelWidgets())
                if (w->isVisible() && QByteArray(w->metaObject()->className()) == "QBalloonTip") balloon = w;
            return balloon != nullptr;
        },
        5000))
        << "no tray balloon appeared";
    QTest::qWait(200);  // let it paint
    const QImage shot = balloon->grab().toImage();
    saveShot(shot, QStringLiteral("tray-balloon.png"));
    EXPECT_GT(distinctColours(shot), 10);
    QTest::mouseClick(balloon, Qt::LeftButton, {}, QPoint(balloon->width() / 2, balloon->height() / 2));
    EXPECT_TRUE(waitFor([&] { return c.window() && c.window()->isVisible(); }, 5000))
        << "a click on the balloon did not open the token window";
}

}  // namespace
}  // namespace guitest
