// mesign-tray: the MeSign Token tray agent (see README.md). One instance per session; --show opens the
// token window at once (also what a second start asks of the running agent).
#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "core/client/client.h"
#include "tray/single_instance.h"
#include "tray/tray_controller.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MeSign"));
    QApplication::setApplicationName(QStringLiteral("mesign-tray"));
    QApplication::setApplicationDisplayName(QStringLiteral("MeSign Token"));
    QApplication::setQuitOnLastWindowClosed(false);  // the tray stays when the window closes

    QTranslator qtTr, ownTr;
    if (qtTr.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                  QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(&qtTr);
    if (ownTr.load(QLocale(), QStringLiteral("mesign-tray"), QStringLiteral("_"),
                   QStringLiteral(MESIGN_TRAY_I18N_DIR)))
        app.installTranslator(&ownTr);

    QCommandLineParser args;
    args.setApplicationDescription(QApplication::translate("main", "MeSign Token tray agent"));
    args.addHelpOption();
    QCommandLineOption show(QStringLiteral("show"),
                            QApplication::translate("main", "Open the token window."));
    args.addOption(show);
    args.process(app);

    tray::SingleInstance instance;
    if (!instance.acquire()) return 0;  // the running agent shows its window

    tray::TrayController controller(client::Client::withPcsc(), tray::TraySettings::load());
    QObject::connect(&instance, &tray::SingleInstance::showRequested, &controller,
                     [&] { controller.showWindow(); });
    controller.start();
    if (args.isSet(show)) controller.showWindow();
    return app.exec();
}
