<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>tray::EnrollWizard</name>
    <message numerus="yes">
        <location filename="../enroll_wizard.cpp" line="+45"/>
        <source>Wrong PIN: %n tries left.</source>
        <translation>
            <numerusform>Falsche PIN: noch %n Versuch.</numerusform>
            <numerusform>Falsche PIN: noch %n Versuche.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Import a certificate</source>
        <translation>Zertifikat importieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Enrol a certificate</source>
        <translation>Zertifikat beantragen</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>This token reports no key type it can generate.</source>
        <translation>Dieses Token meldet keinen Schlüsseltyp, den es erzeugen kann.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The key types this token reports it can generate.</source>
        <translation>Die Schlüsseltypen, die dieses Token nach eigener Angabe erzeugen kann.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The token cannot tell which keys it generates: %1</source>
        <translation>Das Token kann nicht angeben, welche Schlüssel es erzeugt: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Asking the token which key types it can generate…</source>
        <translation>Das Token wird gefragt, welche Schlüsseltypen es erzeugen kann …</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Token, slot and key</source>
        <translation>Token, Steckplatz und Schlüssel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The key is generated on the token and never leaves it. A key already in the slot is replaced.</source>
        <translation>Der Schlüssel wird auf dem Token erzeugt und verlässt es nie. Ein Schlüssel, der schon im Steckplatz liegt, wird ersetzt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1 (%2, serial %3)</source>
        <translation>%1 (%2, Seriennummer %3)</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The token still has the default management key</source>
        <translation>Das Token hat noch den voreingestellten Verwaltungsschlüssel</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Token:</source>
        <translation>Token:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key slot:</source>
        <translation>Schlüsselsteckplatz:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key type:</source>
        <translation>Schlüsseltyp:</translation>
    </message>
    <message>
        <location line="+21"/>
        <source> — certificate of %1</source>
        <translation> — Zertifikat von %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> — key without certificate</source>
        <translation> — Schlüssel ohne Zertifikat</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Admin PIN (PW3):</source>
        <translation>Admin-PIN (PW3):</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Management key (hex):</source>
        <translation>Verwaltungsschlüssel (hex):</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Name and e-mail</source>
        <translation>Name und E-Mail</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>They go into the certificate request. The PIN lets the token sign the request.</source>
        <translation>Sie kommen in den Zertifikatsantrag. Mit der PIN unterschreibt das Token den Antrag.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail:</source>
        <translation>E-Mail:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Organisation (optional):</source>
        <translation>Organisation (optional):</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PIN:</source>
        <translation>PIN:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the request as:</source>
        <translation>Antrag speichern unter:</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Generate the key and the request</source>
        <translation>Schlüssel und Antrag erzeugen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Generate key and request</source>
        <translation>Schlüssel und Antrag erzeugen</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Import the issued certificate</source>
        <translation>Ausgestelltes Zertifikat importieren</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Send the request to your certification authority. When the certificate comes back (PEM, DER or a PKCS#7 chain), import it here — now or later from the token window.</source>
        <translation>Senden Sie den Antrag an Ihre Zertifizierungsstelle. Wenn das Zertifikat zurückkommt (PEM, DER oder eine PKCS#7-Kette), importieren Sie es hier — jetzt oder später aus dem Token-Fenster.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Browse…</source>
        <translation>Durchsuchen …</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Certificate</source>
        <translation>Zertifikat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificates (*.pem *.crt *.cer *.der *.p7b *.p7c);;All files (*)</source>
        <translation>Zertifikate (*.pem *.crt *.cer *.der *.p7b *.p7c);;Alle Dateien (*)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Import onto the token</source>
        <translation>Auf das Token importieren</translation>
    </message>
    <message>
        <location line="+34"/>
        <location line="+59"/>
        <source>Choose a token and a slot.</source>
        <translation>Wählen Sie ein Token und einen Steckplatz.</translation>
    </message>
    <message>
        <location line="-57"/>
        <source>Choose a key type the token can generate.</source>
        <translation>Wählen Sie einen Schlüsseltyp, den das Token erzeugen kann.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The PIN must be %1.</source>
        <translation>Die PIN muss %1 sein.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Generating the key on the token…</source>
        <translation>Der Schlüssel wird auf dem Token erzeugt …</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The key was generated, but the request cannot be saved to %1.</source>
        <translation>Der Schlüssel wurde erzeugt, aber der Antrag kann nicht unter %1 gespeichert werden.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Key generated on the token; request saved to %1.</source>
        <translation>Schlüssel auf dem Token erzeugt; Antrag unter %1 gespeichert.</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Cannot read %1.</source>
        <translation>%1 kann nicht gelesen werden.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Checking the certificate against the key and writing it…</source>
        <translation>Das Zertifikat wird mit dem Schlüssel abgeglichen und geschrieben …</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Not imported: %1</source>
        <translation>Nicht importiert: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Certificate of %1 imported onto the token.</source>
        <translation>Zertifikat von %1 auf das Token importiert.</translation>
    </message>
</context>
<context>
    <name>tray::Notifier</name>
    <message>
        <location filename="../notifier.cpp" line="+22"/>
        <source>%1 (no certificate) in %2</source>
        <translation>%1 (kein Zertifikat) in %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1, certificate of %2, in %3</source>
        <translation>%1, Zertifikat von %2, in %3</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Token inserted: %1</source>
        <translation>Token eingesteckt: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Token removed: %1</source>
        <translation>Token entfernt: %1</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>PIN locked on %1</source>
        <translation>PIN gesperrt auf %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificate needs renewal on %1</source>
        <translation>Zertifikat auf %1 muss erneuert werden</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>%1: unblock it with the admin PIN or the resetting code from the token window.</source>
        <translation>%1: Entsperren Sie sie im Token-Fenster mit der Admin-PIN oder dem Rücksetzcode.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1: unblock it with the PUK from the token window.</source>
        <translation>%1: Entsperren Sie sie im Token-Fenster mit der PUK.</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+1"/>
        <source>Show tokens</source>
        <translation>Tokens anzeigen</translation>
    </message>
</context>
<context>
    <name>tray::PinDialog</name>
    <message numerus="yes">
        <location filename="../pin_dialog.cpp" line="+30"/>
        <source>Wrong %1: %n tries left.</source>
        <translation>
            <numerusform>Falsche %1: noch %n Versuch.</numerusform>
            <numerusform>Falsche %1: noch %n Versuche.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wrong %1.</source>
        <translation>Falsche %1.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The %1 is locked.</source>
        <translation>Die %1 ist gesperrt.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The token was removed.</source>
        <translation>Das Token wurde entfernt.</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+51"/>
        <source>Change PIN</source>
        <translation>PIN ändern</translation>
    </message>
    <message>
        <location line="-51"/>
        <location line="+51"/>
        <source>Unblock PIN</source>
        <translation>PIN entsperren</translation>
    </message>
    <message>
        <location line="-45"/>
        <source>Token: &lt;b&gt;%1&lt;/b&gt; (%2, serial %3)</source>
        <translation>Token: &lt;b&gt;%1&lt;/b&gt; (%2, Seriennummer %3)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+93"/>
        <source>The new PIN must be %1.</source>
        <translation>Die neue PIN muss %1 sein.</translation>
    </message>
    <message>
        <location line="-66"/>
        <source>Unblock with:</source>
        <translation>Entsperren mit:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Current PIN:</source>
        <translation>Aktuelle PIN:</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+29"/>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>New PIN:</source>
        <translation>Neue PIN:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat new PIN:</source>
        <translation>Neue PIN wiederholen:</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The PIN is locked: unblock it with the admin PIN or the resetting code instead.</source>
        <translation>Die PIN ist gesperrt: Entsperren Sie sie stattdessen mit der Admin-PIN oder dem Rücksetzcode.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The PIN is locked: unblock it with the PUK instead.</source>
        <translation>Die PIN ist gesperrt: Entsperren Sie sie stattdessen mit der PUK.</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1: tries left unknown</source>
        <translation>%1: verbleibende Versuche unbekannt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1: &lt;b&gt;locked&lt;/b&gt;</source>
        <translation>%1: &lt;b&gt;gesperrt&lt;/b&gt;</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%1: %n tries left</source>
        <translation>
            <numerusform>%1: noch %n Versuch</numerusform>
            <numerusform>%1: noch %n Versuche</numerusform>
        </translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The new PINs do not match.</source>
        <translation>Die neuen PINs stimmen nicht überein.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The %1 must be %2.</source>
        <translation>Die %1 muss %2 sein.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Talking to the token…</source>
        <translation>Verbindung mit dem Token …</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>PIN changed.</source>
        <translation>PIN geändert.</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PIN unblocked and set.</source>
        <translation>PIN entsperrt und neu gesetzt.</translation>
    </message>
</context>
<context>
    <name>tray::SettingsDialog</name>
    <message>
        <location filename="../settings.cpp" line="+27"/>
        <source>MeSign Token settings</source>
        <translation>MeSign Token – Einstellungen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show notifications</source>
        <translation>Benachrichtigungen anzeigen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Warn before a certificate expires:</source>
        <translation>Vor dem Ablauf eines Zertifikats warnen:</translation>
    </message>
</context>
<context>
    <name>tray::TokenModel</name>
    <message>
        <location filename="../token_model.cpp" line="+29"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>locked</source>
        <translation>gesperrt</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n tries left</source>
        <translation>
            <numerusform>noch %n Versuch</numerusform>
            <numerusform>noch %n Versuche</numerusform>
        </translation>
    </message>
    <message>
        <location line="+85"/>
        <source>Token / certificate</source>
        <translation>Token / Zertifikat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Serial / slot</source>
        <translation>Seriennummer / Steckplatz</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Application / key</source>
        <translation>Anwendung / Schlüssel</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PIN / valid until</source>
        <translation>PIN / gültig bis</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>PIN: %1</source>
        <translation>PIN: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+51"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location line="-36"/>
        <source>unknown key</source>
        <translation>unbekannter Schlüssel</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>(no certificate)</source>
        <translation>(kein Zertifikat)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>key without certificate</source>
        <translation>Schlüssel ohne Zertifikat</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>expires in %n day(s)</source>
        <translation>
            <numerusform>läuft in %n Tag ab</numerusform>
            <numerusform>läuft in %n Tagen ab</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not yet valid</source>
        <translation>noch nicht gültig</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>valid</source>
        <translation>gültig</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Token %1</source>
        <translation>Token %1</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>certificate in slot %1 expires in %n day(s)</source>
        <translation>
            <numerusform>Zertifikat in Steckplatz %1 läuft in %n Tag ab</numerusform>
            <numerusform>Zertifikat in Steckplatz %1 läuft in %n Tagen ab</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>certificate in slot %1 has expired</source>
        <translation>Zertifikat in Steckplatz %1 ist abgelaufen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PIN: final try left</source>
        <translation>PIN: nur noch ein Versuch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PIN locked</source>
        <translation>PIN gesperrt</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>action needed</source>
        <translation>Handlung erforderlich</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>(not restricted)</source>
        <translation>(nicht eingeschränkt)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>digital signature</source>
        <translation>digitale Signatur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>non-repudiation</source>
        <translation>Nichtabstreitbarkeit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>key encipherment</source>
        <translation>Schlüsselverschlüsselung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>data encipherment</source>
        <translation>Datenverschlüsselung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>key agreement</source>
        <translation>Schlüsselvereinbarung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>certificate signing</source>
        <translation>Zertifikatsignatur</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CRL signing</source>
        <translation>CRL-Signatur</translation>
    </message>
</context>
<context>
    <name>tray::TokenWindow</name>
    <message>
        <location filename="../token_window.cpp" line="+55"/>
        <source>MeSign Token</source>
        <translation>MeSign Token</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Change PIN…</source>
        <translation>PIN ändern …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unblock PIN…</source>
        <translation>PIN entsperren …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enrol…</source>
        <translation>Beantragen …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import certificate…</source>
        <translation>Zertifikat importieren …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Renew…</source>
        <translation>Erneuern …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export certificate…</source>
        <translation>Zertifikat exportieren …</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Export certificate</source>
        <translation>Zertifikat exportieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PEM certificate (*.pem *.crt)</source>
        <translation>PEM-Zertifikat (*.pem *.crt)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message numerus="yes">
        <location line="+9"/>
        <source>%n token(s) — %1</source>
        <translation>
            <numerusform>%n Token — %1</numerusform>
            <numerusform>%n Tokens — %1</numerusform>
        </translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Select a certificate first.</source>
        <translation>Wählen Sie zuerst ein Zertifikat.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Cannot write %1.</source>
        <translation>%1 kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>&lt;p&gt;No token. Insert a token or smart card.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Kein Token. Stecken Sie ein Token oder eine Chipkarte ein.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&lt;h3&gt;%1&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;%1&lt;/h3&gt;</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;p&gt;Reader: %1&lt;br&gt;Application: %2&lt;br&gt;Serial: %3&lt;br&gt;Manufacturer: %4&lt;br&gt;PIN: %5 tries left&lt;br&gt;%6: %7 tries left&lt;br&gt;PIN length: %8 to %9&lt;/p&gt;</source>
        <translation>&lt;p&gt;Lesegerät: %1&lt;br&gt;Anwendung: %2&lt;br&gt;Seriennummer: %3&lt;br&gt;Hersteller: %4&lt;br&gt;PIN: noch %5 Versuche&lt;br&gt;%6: noch %7 Versuche&lt;br&gt;PIN-Länge: %8 bis %9&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Admin PIN</source>
        <translation>Admin-PIN</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PUK</source>
        <translation>PUK</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&lt;p&gt;Problem: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Problem: %1&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;h3&gt;Slot %1: %2&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Steckplatz %1: %2&lt;/h3&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&lt;p&gt;Key: %1%2&lt;/p&gt;</source>
        <translation>&lt;p&gt;Schlüssel: %1%2&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>, %1 bits</source>
        <translation>, %1 Bit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;p&gt;No certificate in this slot.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Kein Zertifikat in diesem Steckplatz.&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 to %2</source>
        <translation>%1 bis %2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> — &lt;b&gt;expired&lt;/b&gt;</source>
        <translation> — &lt;b&gt;abgelaufen&lt;/b&gt;</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source> — &lt;b&gt;expires in %n day(s)&lt;/b&gt;</source>
        <translation>
            <numerusform> — &lt;b&gt;läuft in %n Tag ab&lt;/b&gt;</numerusform>
            <numerusform> — &lt;b&gt;läuft in %n Tagen ab&lt;/b&gt;</numerusform>
        </translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;p&gt;Subject: %1&lt;br&gt;E-mail: %2&lt;br&gt;Issuer: %3&lt;br&gt;Valid: %4&lt;br&gt;Key usage: %5&lt;/p&gt;</source>
        <translation>&lt;p&gt;Inhaber: %1&lt;br&gt;E-Mail: %2&lt;br&gt;Aussteller: %3&lt;br&gt;Gültig: %4&lt;br&gt;Schlüsselverwendung: %5&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
</context>
<context>
    <name>tray::TrayController</name>
    <message>
        <location filename="../tray_controller.cpp" line="+89"/>
        <source>MeSign Token: %1</source>
        <translation>MeSign Token: %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>No token inserted</source>
        <translation>Kein Token eingesteckt</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>ready</source>
        <translation>bereit</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Change PIN…</source>
        <translation>PIN ändern …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unblock PIN…</source>
        <translation>PIN entsperren …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enrol a certificate…</source>
        <translation>Zertifikat beantragen …</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Renew the certificate in slot %1…</source>
        <translation>Zertifikat in Steckplatz %1 erneuern …</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Show tokens…</source>
        <translation>Tokens anzeigen …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings…</source>
        <translation>Einstellungen …</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../main.cpp" line="+29"/>
        <source>MeSign Token tray agent</source>
        <translation>MeSign-Token-Agent im Infobereich</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open the token window.</source>
        <translation>Das Token-Fenster öffnen.</translation>
    </message>
</context>
<context>
    <name>tray::TrayIcon</name>
    <message>
        <location filename="../tray_icons.cpp" line="+123"/>
        <source>No token</source>
        <translation>Kein Token</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Token ready</source>
        <translation>Token bereit</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A certificate expires soon</source>
        <translation>Ein Zertifikat läuft bald ab</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Action needed</source>
        <translation>Handlung erforderlich</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PIN: final try left</source>
        <translation>PIN: nur noch ein Versuch</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A certificate has expired</source>
        <translation>Ein Zertifikat ist abgelaufen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PIN locked</source>
        <translation>PIN gesperrt</translation>
    </message>
</context>
</TS>
