// Through pcscd and a virtual PIV card: insert/remove reach the model and the notification logic within
// one second; PIN change and unblock driven through the dialogs and checked against the card with
// pkcs11-tool (login with the new PIN works, the old one fails).
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTranslator>
#include <set>

#include "tests/gui/gui_fixture.h"
#include "tray/pin_dialog.h"
#include "tray/single_instance.h"
#include "tray/token_window.h"
#include "tray/tray_icons.h"

namespace guitest {
namespace {

using Clock = std::chrono::steady_clock;
using tray::Notice;

class TrayEventsTest : public TrayFixture {
  protected:
    bool insertCardAtSetUp() const override { return false; }
};

long msSince(Clock::time_point t) {
    return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

TEST_F(TrayEventsTest, InsertAndRemoveSeenWithinOneSecond) {
    auto& c = controller();
    EXPECT_TRUE(c.model().tokens().empty());
    int stateSeen = -1;
    QObject::connect(&c, &tray::TrayController::stateChanged, [&](int s) { stateSeen = s; });

    const auto history0 = c.notifier().history().size();
    insertCard();  // returns once pcscd reports the card present
    const auto present = Clock::now();
    ASSERT_TRUE(waitFor([&] { return c.notifier().history().size() > history0; }, 5000))
        << "no notice after the card was inserted";
    const long insertMs = msSince(present);
    std::cout << "[ measured ] insert: pcscd reports the card -> model + notice in " << insertMs << " ms\n";
    EXPECT_LE(insertMs, 1000);
    ASSERT_EQ(c.model().tokens().size(), 1u);
    const auto& n = c.notifier().history().back();
    EXPECT_EQ(n.kind, Notice::Inserted);
    EXPECT_TRUE(n.title.contains(QString::fromStdString(c.model().tokens()[0].info.label)))
        << n.title.toStdString();
    EXPECT_TRUE(n.body.contains(QString::fromStdString(reader()))) << n.body.toStdString();
    EXPECT_EQ(stateSeen, static_cast<int>(tray::TrayState::Ready));

    const auto history1 = c.notifier().history().size();
    const auto removeStart = Clock::now();
    EXPECT_EQ(removeCard(), 0);
    const auto absent = Clock::now();
    ASSERT_TRUE(waitFor([&] { return c.notifier().history().size() > history1; }, 5000))
        << "no notice after the card was removed";
    const long removeMs = msSince(absent);
    std::cout << "[ measured ] remove: pcscd reports the reader empty -> model + notice in " << removeMs
              << " ms (" << msSince(removeStart) << " ms after SIGTERM to the card)\n";
    EXPECT_LE(removeMs, 1000);
    EXPECT_EQ(c.notifier().history().back().kind, Notice::Removed);
    EXPECT_TRUE(c.model().tokens().empty());
    EXPECT_EQ(stateSeen, static_cast<int>(tray::TrayState::NoToken));
}

// A second card (PIV + OpenPGP: two tokens) in the sandbox's second reader: three tokens at once.
TEST_F(TrayEventsTest, SeveralReadersAndTokens) {
    auto& c = controller();
    insertCard();
    ASSERT_TRUE(waitForTokens(1));
    itest::BackgroundProcess second;
    const std::string port = std::to_string(std::stoi(m_env.port) + 1);
    ASSERT_TRUE(second.start({itest::vcardBinary(), "--init", "piv,openpgp", "--host", m_env.host, "--port",
                              port, path("second.state").string()},
                             path("second.log")))
        << second.error();
    ASSERT_TRUE(waitForTokens(3)) << "the model shows " << c.model().tokens().size() << " tokens\n"
                                  << itest::readFile(path("second.log"));
    std::set<std::string> readers, apps;
    for (const auto& t : c.model().tokens()) {
        readers.insert(t.reader);
        apps.insert(t.info.application);
    }
    EXPECT_EQ(readers.size(), 2u);
    EXPECT_EQ(apps, (std::set<std::string>{"PIV", "OpenPGP"}));
    const auto& h = c.notifier().history();
    EXPECT_EQ(std::count_if(h.begin(), h.end(), [](const Notice& n) { return n.kind == Notice::Inserted; }),
              3);
    EXPECT_EQ(second.stop(), 0);
    ASSERT_TRUE(waitForTokens(1));
    EXPECT_EQ(c.model().tokens().front().reader, reader());
    EXPECT_EQ(std::count_if(h.begin(), h.end(), [](const Notice& n) { return n.kind == Notice::Removed; }),
              2);
    EXPECT_EQ(c.model().rowCount(), 1);
}

// Tokens already in their readers when the agent starts (at login) raise no "inserted" burst, but what
// needs care on them is told once: here a locked PIN and a certificate expiring in 10 days. A token
// inserted afterwards is announced as usual.
TEST_F(TrayEventsTest, TokensPresentAtStartAreNotAnnouncedButTheirTroubleIs) {
    insertCard();
    provisionCertificate(0x9C, 10, "Start Holder");
    {
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
            EXPECT_EQ(st.error().retries, std::optional<int>(2 - i)) << st.error().describe();
        }
    }
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    auto count = [&](Notice::Kind k) {
        const auto& h = c.notifier().history();
        return std::count_if(h.begin(), h.end(), [k](const Notice& n) { return n.kind == k; });
    };
    EXPECT_EQ(count(Notice::Inserted), 0);
    EXPECT_EQ(count(Notice::PinLocked), 1);
    EXPECT_EQ(count(Notice::CertExpiring), 1);
    refreshModel();  // a later read repeats nothing
    EXPECT_EQ(c.notifier().history().size(), 2);

    EXPECT_EQ(removeCard(), 0);
    ASSERT_TRUE(waitFor([&] { return count(Notice::Removed) == 1; }, 5000));
    const auto& removed = c.notifier().history().back();
    EXPECT_TRUE(removed.body.contains(QStringLiteral("Start Holder"))) << removed.body.toStdString();
    insertCard();  // the same card (same state file) back in the reader
    ASSERT_TRUE(waitFor([&] { return count(Notice::Inserted) == 1; }, 5000));
    const auto inserted = std::find_if(c.notifier().history().begin(), c.notifier().history().end(),
                                       [](const Notice& n) { return n.kind == Notice::Inserted; });
    EXPECT_TRUE(inserted->body.contains(QStringLiteral("Start Holder"))) << inserted->body.toStdString();
    EXPECT_TRUE(inserted->title.contains(QString::fromStdString(c.model().tokens().at(0).info.label)))
        << inserted->title.toStdString();
    // Its trouble is told again after it came back.
    EXPECT_TRUE(waitFor([&] { return count(Notice::PinLocked) == 2; }, 5000));
}

TEST(TraySingleInstanceTest, SecondStartAsksTheFirstToShow) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    qputenv("XDG_RUNTIME_DIR", dir.path().toUtf8());
    QFile::setPermissions(dir.path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    tray::SingleInstance first, second;
    QSignalSpy shown(&first, &tray::SingleInstance::showRequested);
    ASSERT_TRUE(first.acquire());
    EXPECT_TRUE(first.lockPath().startsWith(dir.path())) << first.lockPath().toStdString();
    EXPECT_FALSE(second.acquire()) << "a second agent in the same session must not start";
    EXPECT_TRUE(waitFor([&] { return shown.count() == 1; }, 5000))
        << "the running agent was not asked to show itself";
}

// The built English translation supplies the plural forms the source strings leave open.
TEST(TrayTranslationTest, EnglishPluralForms) {
    QTranslator en;
    ASSERT_TRUE(en.load(QStringLiteral("mesign-tray_en"), QStringLiteral(MESIGN_TRAY_QM_DIR)))
        << "no mesign-tray_en.qm in " << MESIGN_TRAY_QM_DIR;
    ASSERT_TRUE(QCoreApplication::installTranslator(&en));
    client::AttentionItem expiring{client::Attention::CertExpiring, "9C", 1};
    EXPECT_EQ(tray::TokenModel::attentionText(expiring),
              QStringLiteral("certificate in slot 9C expires in 1 day"));
    expiring.days = 12;
    EXPECT_EQ(tray::TokenModel::attentionText(expiring),
              QStringLiteral("certificate in slot 9C expires in 12 days"));
    EXPECT_EQ(QCoreApplication::translate("tray::TokenModel", "%n tries left", nullptr, 1),
              QStringLiteral("1 try left"));
    QCoreApplication::removeTranslator(&en);
    EXPECT_EQ(tray::TokenModel::attentionText(expiring),
              QStringLiteral("certificate in slot 9C expires in 12 day(s)"));
}

// German, loaded the way mesign-tray loads it (QLocale de_DE): visible strings and a plural form.
TEST(TrayTranslationTest, GermanForTheGermanLocale) {
    QTranslator de;
    ASSERT_TRUE(de.load(QLocale(QStringLiteral("de_DE")), QStringLiteral("mesign-tray"), QStringLiteral("_"),
                        QStringLiteral(MESIGN_TRAY_QM_DIR)))
        << "no mesign-tray_de.qm in " << MESIGN_TRAY_QM_DIR;
    EXPECT_TRUE(de.filePath().endsWith(QStringLiteral("mesign-tray_de.qm"))) << de.filePath().toStdString();
    ASSERT_TRUE(QCoreApplication::installTranslator(&de));
    client::AttentionItem expiring{client::Attention::CertExpiring, "9C", 1};
    EXPECT_EQ(tray::TokenModel::attentionText(expiring),
              QStringLiteral("Zertifikat in Steckplatz 9C läuft in 1 Tag ab"));
    expiring.days = 12;
    EXPECT_EQ(tray::TokenModel::attentionText(expiring),
              QStringLiteral("Zertifikat in Steckplatz 9C läuft in 12 Tagen ab"));
    EXPECT_EQ(tray::trayStateText(tray::TrayState::PinLocked), QStringLiteral("PIN gesperrt"));
    tray::TokenModel model;
    EXPECT_EQ(model.headerData(tray::TokenModel::ColSlot, Qt::Horizontal).toString(),
              QStringLiteral("Seriennummer / Steckplatz"));
    {
        tray::TokenWindow window(model);
        EXPECT_TRUE(window.detailsText().contains(QStringLiteral("Kein Token")))
            << window.detailsText().toStdString();
    }
    QCoreApplication::removeTranslator(&de);
    EXPECT_EQ(tray::trayStateText(tray::TrayState::PinLocked), QStringLiteral("PIN locked"));
}

class TrayPinTest : public TrayFixture {};

// Types into the dialog and presses its button; returns (ok, message) of the attempt.
std::pair<bool, QString> attempt(tray::PinDialog& d, const QString& current, const QString& next,
                                 const QString& repeat) {
    QSignalSpy spy(&d, &tray::PinDialog::attemptFinished);
    QTest::keyClicks(d.currentField(), current);
    QTest::keyClicks(d.newField(), next);
    QTest::keyClicks(d.repeatField(), repeat);
    QTest::mouseClick(d.okButton(), Qt::LeftButton);
    if (!waitFor([&] { return spy.count() > 0; }, 20000)) return {false, QStringLiteral("(no answer)")};
    return {spy.at(0).at(0).toBool(), spy.at(0).at(1).toString()};
}

// OpenPGP PW1: 6..127 characters; the dialog states that and the card takes a 10-character PIN.
class TrayPinOpenPgpTest : public TrayFixture {
  protected:
    bool insertCardAtSetUp() const override { return false; }
};

TEST_F(TrayPinOpenPgpTest, ChangePw1ThroughTheDialog) {
    insertCard({"--init", "openpgp", "--once"});
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    ASSERT_EQ(firstToken().info.application, "OpenPGP");
    QPointer<tray::PinDialog> d = c.openChangePin(static_cast<unsigned long>(firstToken().slotId));
    ASSERT_TRUE(d);
    const QString intro = d->findChild<QLabel*>(QStringLiteral("intro"))->text();
    EXPECT_TRUE(intro.contains(QStringLiteral("6 to 127 characters"))) << intro.toStdString();
    auto r = attempt(*d, "123456", "pgp-pin-10", "pgp-pin-10");
    EXPECT_TRUE(r.first) << r.second.toStdString();
    auto ok = pkcs11Tool({"--login", "--pin", "pgp-pin-10", "--list-objects"});
    EXPECT_EQ(ok.exitCode, 0) << ok.describe();
}

// A locked PW1 unblocked with the admin PIN (PW3) — the default choice, since the resetting code is
// optional and unset on a new card; a wrong admin PIN reports PW3's tries left.
TEST_F(TrayPinOpenPgpTest, UnblockPw1WithTheAdminPinThroughTheDialog) {
    insertCard({"--init", "openpgp", "--once"});
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    const auto slot = static_cast<unsigned long>(firstToken().slotId);
    QPointer<tray::PinDialog> d = c.openChangePin(slot);
    ASSERT_TRUE(d);
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(attempt(*d, "999999", "pgp-pin-10", "pgp-pin-10").first);
    d->close();
    refreshModel();
    ASSERT_TRUE(firstToken().info.userPin.blocked()) << firstToken().info.userPin.retriesLeft;

    QPointer<tray::PinDialog> u = c.openUnblockPin(slot);
    ASSERT_TRUE(u);
    ASSERT_NE(u->secretChoice(), nullptr) << "an OpenPGP unblock offers admin PIN or resetting code";
    EXPECT_EQ(static_cast<client::PinRole>(u->secretChoice()->currentData().toInt()), client::PinRole::Admin);
    auto r = attempt(*u, "87654321", "pgp-new-pin", "pgp-new-pin");
    EXPECT_FALSE(r.first);
    EXPECT_EQ(r.second, QStringLiteral("Wrong Admin PIN (PW3): 2 tries left.")) << r.second.toStdString();
    r = attempt(*u, "12345678", "pgp-new-pin", "pgp-new-pin");
    EXPECT_TRUE(r.first) << r.second.toStdString();
    refreshModel();
    EXPECT_EQ(firstToken().info.userPin.retriesLeft, 3);
    auto ok = pkcs11Tool({"--login", "--pin", "pgp-new-pin", "--list-objects"});
    EXPECT_EQ(ok.exitCode, 0) << ok.describe();
}

TEST_F(TrayPinTest, ChangeThenLockThenUnblockThroughTheDialogs) {
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    const auto slot = static_cast<unsigned long>(firstToken().slotId);
    EXPECT_EQ(firstToken().info.userPin.retriesLeft, 3);

    QPointer<tray::PinDialog> d = c.openChangePin(slot);
    ASSERT_TRUE(d);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(d));
    EXPECT_TRUE(
        d->findChild<QLabel*>(QStringLiteral("intro"))->text().contains(QStringLiteral("3 tries left")));
    EXPECT_TRUE(
        d->findChild<QLabel*>(QStringLiteral("intro"))->text().contains(QStringLiteral("6 to 8 characters")));

    // Local checks cost no try.
    auto r = attempt(*d, "123456", "2468", "2468");
    EXPECT_FALSE(r.first);
    EXPECT_EQ(r.second, QStringLiteral("The new PIN must be 6 to 8 characters."));
    r = attempt(*d, "123456", "24681357", "24681358");
    EXPECT_FALSE(r.first);
    EXPECT_EQ(r.second, QStringLiteral("The new PINs do not match."));
    // A wrong current PIN: the card says how many tries are left.
    r = attempt(*d, "999999", "24681357", "24681357");
    EXPECT_FALSE(r.first);
    EXPECT_EQ(r.second, QStringLiteral("Wrong PIN: 2 tries left.")) << r.second.toStdString();
    r = attempt(*d, "123456", "24681357", "24681357");
    EXPECT_TRUE(r.first) << r.second.toStdString();
    EXPECT_TRUE(waitFor([&] { return d.isNull() || !d->isVisible(); }))
        << "the dialog stays open after success";

    // Against the card: the new PIN logs in through our module, the old one does not.
    auto ok = pkcs11Tool({"--login", "--pin", "24681357", "--list-objects"});
    EXPECT_EQ(ok.exitCode, 0) << ok.describe();
    auto bad = pkcs11Tool({"--login", "--pin", "123456", "--list-objects"});
    EXPECT_NE(bad.exitCode, 0);
    EXPECT_NE(bad.err.find("CKR_PIN_INCORRECT"), std::string::npos) << bad.describe();

    // Lock the PIN through the dialog: the model, the icon and a notice say so.
    // core/token keeps the PIN status up to 2 s; another process's try shows after that.
    ASSERT_TRUE(waitFor(
        [&] {
            refreshModel();
            return firstToken().info.userPin.retriesLeft == 2;
        },
        5000))
        << "pkcs11-tool's wrong login cost one try; the model shows "
        << firstToken().info.userPin.retriesLeft;
    d = c.openChangePin(slot);
    ASSERT_TRUE(d);
    r = attempt(*d, "999999", "11223344", "11223344");
    EXPECT_EQ(r.second, QStringLiteral("Wrong PIN: 1 tries left.")) << r.second.toStdString();
    refreshModel();
    EXPECT_EQ(c.model().worstAttention(), client::Attention::PinFinalTry);
    r = attempt(*d, "999999", "11223344", "11223344");
    EXPECT_FALSE(r.first);
    EXPECT_TRUE(r.second == QStringLiteral("Wrong PIN: 0 tries left.") ||
                r.second == QStringLiteral("The PIN is locked."))
        << r.second.toStdString();
    d->close();
    refreshModel();
    EXPECT_TRUE(firstToken().info.userPin.blocked());
    EXPECT_EQ(c.model().worstAttention(), client::Attention::PinLocked);
    const auto& hist = c.notifier().history();
    EXPECT_TRUE(
        std::any_of(hist.begin(), hist.end(), [](const Notice& n) { return n.kind == Notice::PinLocked; }));

    // Unblock with the PUK through the unblock dialog.
    QPointer<tray::PinDialog> u = c.openUnblockPin(slot);
    ASSERT_TRUE(u);
    EXPECT_TRUE(
        u->findChild<QLabel*>(QStringLiteral("intro"))->text().contains(QStringLiteral("PUK: 3 tries left")));
    r = attempt(*u, "87654321", "55667788", "55667788");
    EXPECT_FALSE(r.first);
    EXPECT_EQ(r.second, QStringLiteral("Wrong PUK: 2 tries left.")) << r.second.toStdString();
    r = attempt(*u, "12345678", "55667788", "55667788");
    EXPECT_TRUE(r.first) << r.second.toStdString();
    refreshModel();
    EXPECT_EQ(firstToken().info.userPin.retriesLeft, 3);
    EXPECT_EQ(c.model().worstAttention(), client::Attention::Ready);
    ok = pkcs11Tool({"--login", "--pin", "55667788", "--list-objects"});
    EXPECT_EQ(ok.exitCode, 0) << ok.describe();
}

}  // namespace
}  // namespace guitest
