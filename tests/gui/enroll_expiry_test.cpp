// Through pcscd and a virtual PIV card: the enrolment wizard end to end (key generated on the token, the
// PKCS#10 request signed by the token key and verified by `openssl req -verify`, a certificate issued by
// a throwaway CA imported as a PKCS#7 chain after a mismatching one was refused, then listed by
// pkcs11-tool through our module), and the expiry warnings for certificates expiring in 10 and 40 days.
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>

#include "core/client/enrollment.h"
#include "tests/gui/gui_fixture.h"
#include "tray/enroll_wizard.h"
#include "tray/token_window.h"

namespace guitest {
namespace {

using tray::Notice;

class TrayEnrollTest : public TrayFixture {};

bool selectData(QComboBox* box, const QVariant& data) {
    const int i = box->findData(data);
    if (i < 0) return false;
    box->setCurrentIndex(i);
    return true;
}

// The key types the wizard offers for its token once the token has answered (through our module).
std::vector<cardapp::KeyAlgorithm> offeredKeyTypes(tray::EnrollWizard& w) {
    EXPECT_TRUE(waitFor([&] { return w.keyTypesKnown(); }, 30000))
        << "the token never said which keys it makes";
    std::vector<cardapp::KeyAlgorithm> out;
    for (int i = 0; i < w.keyTypeBox()->count(); ++i)
        out.push_back(static_cast<cardapp::KeyAlgorithm>(w.keyTypeBox()->itemData(i).toInt()));
    return out;
}

using cardapp::KeyAlgorithm;

TEST_F(TrayEnrollTest, WizardEndToEnd) {
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    const auto slot = static_cast<unsigned long>(firstToken().slotId);
    QPointer<tray::EnrollWizard> w = c.openEnroll(slot, std::nullopt);
    ASSERT_TRUE(w);
    ASSERT_TRUE(QTest::qWaitForWindowExposed(w));

    ASSERT_TRUE(selectData(w->slotBox(), 0x9A));
    // A fresh virtual PIV card announces RSA-1024..4096 and EC P-256/P-384 in its SELECT answer; the module
    // reports that range and the wizard offers its RSA-2048/3072 and both curves. (An OpenPGP card, which
    // announces nothing, gets RSA-2048 only: TrayEnrollOpenPgpTest.)
    EXPECT_EQ(offeredKeyTypes(*w), (std::vector{KeyAlgorithm::Rsa2048, KeyAlgorithm::Rsa3072,
                                                KeyAlgorithm::EcP256, KeyAlgorithm::EcP384}));
    ASSERT_TRUE(selectData(w->keyTypeBox(), static_cast<int>(cardapp::KeyAlgorithm::Rsa2048)));
    EXPECT_TRUE(w->defaultAdminBox()->isChecked());
    w->next();
    ASSERT_EQ(w->currentId(), tray::EnrollWizard::IdentityPage);
    QTest::keyClicks(w->nameField(), QStringLiteral("Gui Test User"));
    QTest::keyClicks(w->emailField(), QStringLiteral("gui@example.test"));
    QTest::keyClicks(w->pinField(), QStringLiteral("123456"));
    const QString req = QString::fromStdString(path("req.pem").string());
    w->requestPathField()->setText(req);
    w->next();
    ASSERT_EQ(w->currentId(), tray::EnrollWizard::RequestPage);
    EXPECT_FALSE(w->button(QWizard::NextButton)->isEnabled()) << "no request yet";

    QSignalSpy made(w.data(), &tray::EnrollWizard::requestFinished);
    QTest::mouseClick(w->generateButton(), Qt::LeftButton);
    ASSERT_TRUE(waitFor([&] { return made.count() > 0; }, 120000)) << "key generation + request took > 120 s";
    ASSERT_TRUE(made.at(0).at(0).toBool()) << made.at(0).at(1).toString().toStdString();
    EXPECT_TRUE(
        w->requestView()->toPlainText().startsWith(QStringLiteral("-----BEGIN CERTIFICATE REQUEST-----")));
    EXPECT_TRUE(w->button(QWizard::NextButton)->isEnabled());

    // The request verifies, names the user, and carries the token's 9A public key.
    auto v = sh("openssl req -in req.pem -noout -verify 2>&1");
    EXPECT_NE(v.out.find("verify OK"), std::string::npos) << v.describe();
    auto subj = sh("openssl req -in req.pem -noout -subject");
    EXPECT_NE(subj.out.find("CN = Gui Test User"), std::string::npos) << subj.out;
    EXPECT_NE(subj.out.find("emailAddress = gui@example.test"), std::string::npos) << subj.out;
    auto pub =
        pkcs11Tool({"--read-object", "--type", "pubkey", "--id", "01", "-o", path("pub.der").string()});
    ASSERT_EQ(pub.exitCode, 0) << pub.describe();
    sh("openssl req -in req.pem -noout -pubkey > csr-pub.pem && openssl pkey -pubin -inform DER -in pub.der "
       "> card-pub.pem"
       " && cmp csr-pub.pem card-pub.pem");

    // A throwaway CA issues the certificate; another one for a software key must be refused.
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt"
       " -subj '/CN=Gui Test CA' -days 2 2>/dev/null"
       " && printf 'subjectAltName=email:gui@example.test\\nkeyUsage=digitalSignature,keyEncipherment\\n' > "
       "ext.cnf"
       " && openssl x509 -req -in req.pem -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf"
       " -out user.crt 2>/dev/null"
       " && openssl crl2pkcs7 -nocrl -certfile ca.crt -certfile user.crt -outform DER -out chain.p7b"
       " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -subj "
       "/CN=Other"
       " -out other.csr 2>/dev/null"
       " && openssl x509 -req -in other.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out other.crt "
       "2>/dev/null");

    w->next();
    ASSERT_EQ(w->currentId(), tray::EnrollWizard::ImportPage);
    QSignalSpy imported(w.data(), &tray::EnrollWizard::importFinished);
    w->certificatePathField()->setText(QString::fromStdString(path("other.crt").string()));
    QTest::mouseClick(w->importButton(), Qt::LeftButton);
    ASSERT_TRUE(waitFor([&] { return imported.count() > 0; }, 30000));
    EXPECT_FALSE(imported.at(0).at(0).toBool());
    EXPECT_TRUE(imported.at(0).at(1).toString().contains(QStringLiteral("matches the key")))
        << imported.at(0).at(1).toString().toStdString();
    auto none = pkcs11Tool({"--list-objects", "--type", "cert"});
    EXPECT_EQ(none.out.find("Certificate Object"), std::string::npos)
        << "a mismatching certificate was written\n"
        << none.out;

    w->certificatePathField()->setText(QString::fromStdString(path("chain.p7b").string()));
    QTest::mouseClick(w->importButton(), Qt::LeftButton);
    ASSERT_TRUE(waitFor([&] { return imported.count() > 1; }, 30000));
    EXPECT_TRUE(imported.at(1).at(0).toBool()) << imported.at(1).at(1).toString().toStdString();
    w->close();

    // Visible through our PKCS#11 module, and the same certificate as issued.
    auto certs = pkcs11Tool({"--list-objects", "--type", "cert"});
    EXPECT_EQ(certs.exitCode, 0) << certs.describe();
    EXPECT_NE(certs.out.find("Certificate Object"), std::string::npos) << certs.out;
    EXPECT_NE(certs.out.find("CN=Gui Test User"), std::string::npos) << certs.out;
    auto rd = pkcs11Tool({"--read-object", "--type", "cert", "--id", "01", "-o", path("card.der").string()});
    ASSERT_EQ(rd.exitCode, 0) << rd.describe();
    sh("openssl x509 -in user.crt -outform DER -out user.der && cmp user.der card.der");

    // The model and the token window show it.
    refreshModel();
    const auto& t = firstToken();
    ASSERT_EQ(t.keys.size(), 1u);
    ASSERT_TRUE(t.keys[0].certificate);
    EXPECT_EQ(t.keys[0].certificate->commonName, "Gui Test User");
    EXPECT_EQ(t.keys[0].keyType, "RSA-2048");
    EXPECT_EQ(t.holder(), "Gui Test User");
    auto* win = c.showWindow();
    win->selectToken(0, 0);
    const QString details = win->detailsText();
    EXPECT_TRUE(details.contains(QStringLiteral("gui@example.test"))) << details.toStdString();
    EXPECT_TRUE(details.contains(QStringLiteral("CN=Gui Test CA"))) << details.toStdString();
    EXPECT_TRUE(details.contains(QStringLiteral("digital signature, key encipherment")))
        << details.toStdString();
    // Slot, key type and size, and the validity period, on demand (the selected row).
    EXPECT_TRUE(details.contains(QStringLiteral("Slot 9A"))) << details.toStdString();
    EXPECT_TRUE(details.contains(QStringLiteral("Key: RSA-2048, 2048 bits"))) << details.toStdString();
    EXPECT_TRUE(details.contains(QStringLiteral("CN=Gui Test User"))) << details.toStdString();
    EXPECT_TRUE(details.contains(QStringLiteral("Valid: "))) << details.toStdString();
    EXPECT_TRUE(win->exportSelected(QString::fromStdString(path("exported.pem").string())));
    sh("openssl x509 -in exported.pem -outform DER | cmp - user.der");
    win->selectToken(0, -1);  // the token row: label, serial, application, tries
    const QString tokenDetails = win->detailsText();
    EXPECT_TRUE(tokenDetails.contains(QString::fromStdString("Serial: " + t.info.serial)))
        << tokenDetails.toStdString();
    EXPECT_TRUE(tokenDetails.contains(QStringLiteral("Application: PIV"))) << tokenDetails.toStdString();
    EXPECT_TRUE(tokenDetails.contains(QStringLiteral("PIN: 3 tries left"))) << tokenDetails.toStdString();
}

// A PIV card that holds an RSA-3072 key (the virtual card makes them, as a YubiKey 5.7 does) reports RSA
// up to 3072 bits through the module: only then does the wizard offer RSA-3072.
TEST_F(TrayEnrollTest, Rsa3072OfferedOnlyWhereTheTokenReportsIt) {
    {
        client::Client setup(token::makePcscBackend());
        auto tokens = setup.tokens();
        ASSERT_TRUE(tokens && tokens->size() == 1);
        const auto mgmt = client::defaultManagementKey();
        auto spki =
            client::generateKey(setup, tokens->front().slotId, 0x9D, KeyAlgorithm::Rsa3072, core::view(mgmt));
        ASSERT_TRUE(spki) << spki.error().describe();
    }
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    QPointer<tray::EnrollWizard> w = c.openEnroll(static_cast<unsigned long>(firstToken().slotId), 0x9A);
    ASSERT_TRUE(w);
    EXPECT_EQ(offeredKeyTypes(*w), (std::vector{KeyAlgorithm::Rsa2048, KeyAlgorithm::Rsa3072,
                                                KeyAlgorithm::EcP256, KeyAlgorithm::EcP384}));
    EXPECT_TRUE(w->keyTypeBox()->isEnabled());
    w->close();
}

class TrayExpiryTest : public TrayFixture {};

// Keys in 9C and 9D with certificates expiring in 10 and 40 days (issued by a throwaway CA).
TEST_F(TrayExpiryTest, TenDaysWarnsFortyDaysOnlyWithAWiderWindow) {
    provisionCertificate(0x9C, 10, "Holder 10");
    provisionCertificate(0x9D, 40, "Holder 40");
    auto& c = controller();  // default window: 30 days
    ASSERT_TRUE(waitForTokens(1));
    const auto& t = firstToken();
    ASSERT_EQ(t.keys.size(), 2u);
    EXPECT_EQ(c.model().worstAttention(), client::Attention::CertExpiring);
    auto expiring = [&] {
        std::vector<std::string> slots;
        for (const auto& n : c.notifier().history())
            if (n.kind == Notice::CertExpiring) slots.push_back(n.body.toStdString());
        return slots;
    };
    ASSERT_EQ(expiring().size(), 1u);
    // openssl's -days counts from its own "now", a moment before ours: days left round to the nearest day.
    EXPECT_NE(expiring()[0].find("slot 9C expires in 10 day"), std::string::npos) << expiring()[0];

    // The 9C row is highlighted, the 9D row is not.
    auto& m = c.model();
    const QModelIndex tok = m.index(0, 0);
    for (int r = 0; r < m.rowCount(tok); ++r) {
        const auto* k = m.keyAt(m.index(r, 0, tok));
        ASSERT_TRUE(k);
        const QVariant bg = m.data(m.index(r, 0, tok), Qt::BackgroundRole);
        const QString status = m.data(m.index(r, tray::TokenModel::ColStatus, tok)).toString();
        if (k->ref == 0x9C) {
            EXPECT_TRUE(bg.isValid());
            EXPECT_TRUE(status.startsWith(QStringLiteral("expires in"))) << status.toStdString();
        } else {
            EXPECT_FALSE(bg.isValid());
            EXPECT_EQ(status, QStringLiteral("valid"));
        }
    }
    // Renewal starts the wizard on the expiring certificate's slot.
    QPointer<tray::EnrollWizard> renew = c.openEnroll(static_cast<unsigned long>(t.slotId), 0x9C);
    ASSERT_TRUE(renew);
    EXPECT_EQ(renew->slotBox()->currentData().toInt(), 0x9C);
    EXPECT_TRUE(renew->slotBox()->currentText().contains(QStringLiteral("Holder 10")))
        << renew->slotBox()->currentText().toStdString();
    renew->close();

    // A repeated read does not repeat the notice.
    refreshModel();
    EXPECT_EQ(expiring().size(), 1u);

    // A 45-day window (settings) also warns about the 40-day certificate, once.
    tray::TraySettings wide;
    wide.warningDays = 45;
    c.applySettings(wide);
    ASSERT_EQ(expiring().size(), 2u);
    EXPECT_NE(expiring()[1].find("slot 9D expires in 40 day"), std::string::npos) << expiring()[1];
    // A 5-day window: nothing expiring, the tray is ready again.
    tray::TraySettings narrow;
    narrow.warningDays = 5;
    c.applySettings(narrow);
    EXPECT_EQ(c.model().worstAttention(), client::Attention::Ready);
}

// The same wizard on an OpenPGP token: admin PIN (PW3) instead of the management key, the SIG key.
class TrayEnrollOpenPgpTest : public TrayFixture {
  protected:
    bool insertCardAtSetUp() const override { return false; }
};

TEST_F(TrayEnrollOpenPgpTest, WizardOnTheSignatureKey) {
    insertCard({"--init", "openpgp", "--once"});
    auto& c = controller();
    ASSERT_TRUE(waitForTokens(1));
    ASSERT_EQ(firstToken().info.application, "OpenPGP");
    QPointer<tray::EnrollWizard> w =
        c.openEnroll(static_cast<unsigned long>(firstToken().slotId), std::nullopt);
    ASSERT_TRUE(w);
    ASSERT_TRUE(selectData(w->slotBox(), 1));
    EXPECT_TRUE(w->slotBox()->currentText().startsWith(QStringLiteral("SIG")));
    const auto offered = offeredKeyTypes(*w);
    std::cout << "[ offered  ] OpenPGP:";
    for (auto a : offered) std::cout << ' ' << cardapp::keyAlgorithmName(a);
    std::cout << '\n';
    EXPECT_EQ(offered, (std::vector{KeyAlgorithm::Rsa2048, KeyAlgorithm::EcP256, KeyAlgorithm::EcP384}));
    ASSERT_TRUE(selectData(w->keyTypeBox(), static_cast<int>(cardapp::KeyAlgorithm::EcP256)));
    EXPECT_FALSE(w->defaultAdminBox()->isVisible());
    EXPECT_TRUE(w->adminField()->isEnabled());
    QTest::keyClicks(w->adminField(), QStringLiteral("12345678"));
    w->next();
    QTest::keyClicks(w->nameField(), QStringLiteral("Pgp User"));
    QTest::keyClicks(w->pinField(), QStringLiteral("123456"));
    w->requestPathField()->setText(QString::fromStdString(path("pgp-req.pem").string()));
    w->next();
    QSignalSpy made(w.data(), &tray::EnrollWizard::requestFinished);
    QTest::mouseClick(w->generateButton(), Qt::LeftButton);
    ASSERT_TRUE(waitFor([&] { return made.count() > 0; }, 120000));
    ASSERT_TRUE(made.at(0).at(0).toBool()) << made.at(0).at(1).toString().toStdString();
    auto v = sh("openssl req -in pgp-req.pem -noout -verify 2>&1");
    EXPECT_NE(v.out.find("verify OK"), std::string::npos) << v.describe();

    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt"
       " -subj '/CN=Pgp CA' -days 2 2>/dev/null"
       " && openssl x509 -req -in pgp-req.pem -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out pgp.crt "
       "2>/dev/null");
    w->next();
    QSignalSpy imported(w.data(), &tray::EnrollWizard::importFinished);
    w->certificatePathField()->setText(QString::fromStdString(path("pgp.crt").string()));
    QTest::mouseClick(w->importButton(), Qt::LeftButton);
    ASSERT_TRUE(waitFor([&] { return imported.count() > 0; }, 30000));
    EXPECT_TRUE(imported.at(0).at(0).toBool()) << imported.at(0).at(1).toString().toStdString();
    w->close();
    auto certs = pkcs11Tool({"--list-objects", "--type", "cert"});
    EXPECT_NE(certs.out.find("CN=Pgp User"), std::string::npos) << certs.describe();
}

}  // namespace
}  // namespace guitest
